package org.postern.server.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away database on the local PostgreSQL (CI makes sure one runs; a test that needs it
 * fails rather than skips when it does not). Override with POSTERN_TEST_PG_URL / _USER.
 */
public final class PostgresDatabase implements AutoCloseable {
    private static final String ADMIN_URL =
            System.getenv().getOrDefault("POSTERN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = System.getenv().getOrDefault("POSTERN_TEST_PG_USER", "postgres");

    private final String name;

    public PostgresDatabase() throws SQLException {
        byte[] r = new byte[6];
        ThreadLocalRandom.current().nextBytes(r);
        this.name = "postern_e2e_" + HexFormat.of().formatHex(r);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    public String name() {
        return name;
    }

    public String user() {
        return USER;
    }

    public String jdbcUrl() {
        int slash = ADMIN_URL.lastIndexOf('/');
        return ADMIN_URL.substring(0, slash + 1) + name;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, null); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            s.execute("DROP DATABASE IF EXISTS " + name);
        }
    }
}

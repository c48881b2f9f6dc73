package org.postern.server.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away database on the local PostgreSQL (CI makes sure one runs; a test that needs it
 * fails rather than skips when it does not), set up as the README's PostgreSQL section says: an
 * owner role that migrates it and a separate runtime login role (not superuser, no BYPASSRLS, owning
 * nothing). Database and roles are unique to this run and dropped on close. Override the server with
 * POSTERN_TEST_PG_URL / _USER.
 */
public final class PostgresDatabase implements AutoCloseable {
    private static final String ADMIN_URL =
            System.getenv().getOrDefault("POSTERN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String ADMIN_USER = System.getenv().getOrDefault("POSTERN_TEST_PG_USER", "postgres");

    private final String name;
    private final String owner;
    private final String runtime;
    // Trust authentication does not check them, but Postern refuses weak ones: what an operator would set.
    private final String ownerPassword = "Own-" + random(12);
    private final String runtimePassword = "App-" + random(12);

    public PostgresDatabase() throws SQLException {
        String suffix = random(6);
        this.name = "postern_e2e_" + suffix;
        this.owner = "postern_e2e_owner_" + suffix;
        this.runtime = "postern_e2e_app_" + suffix;
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + owner + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + ownerPassword + "'");
            s.execute("CREATE ROLE " + runtime + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + runtimePassword + "'");
            s.execute("CREATE DATABASE " + name + " OWNER " + owner);
        }
    }

    public String name() {
        return name;
    }

    /** The server's administrator (a superuser): for pg_dump and inspection, never for Postern. */
    public String user() {
        return ADMIN_USER;
    }

    /** The role Postern runs as (db_user). */
    public String runtimeUser() {
        return runtime;
    }

    /** The role that owns the schema (db_migration_user). */
    public String ownerUser() {
        return owner;
    }

    public String jdbcUrl() {
        int slash = ADMIN_URL.lastIndexOf('/');
        return ADMIN_URL.substring(0, slash + 1) + name;
    }

    /** {@code launcher} pointed at this database with the two roles, as the README documents. */
    public Launcher configure(Launcher launcher) {
        return launcher.env("POSTERN_DB_URL", jdbcUrl())
                .env("POSTERN_DB_USER", runtime)
                .env("POSTERN_DB_PASSWORD", runtimePassword)
                .env("POSTERN_DB_MIGRATION_USER", owner)
                .env("POSTERN_DB_MIGRATION_PASSWORD", ownerPassword);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("DROP ROLE IF EXISTS " + runtime);
            s.execute("DROP ROLE IF EXISTS " + owner);
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(ADMIN_URL, ADMIN_USER, null);
    }

    private static String random(int bytes) {
        byte[] r = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(r);
        return HexFormat.of().formatHex(r);
    }
}

package org.postern.store.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A throw-away PostgreSQL database set up as the README says: an owner role that migrates it and a
 * separate runtime login role (not superuser, no BYPASSRLS, owning nothing), both unique to this
 * run and dropped with the database. The server is 127.0.0.1:5432 as user postgres, or
 * POSTERN_TEST_PG_URL (a JDBC URL to a database the user may connect to and create databases and
 * roles from), POSTERN_TEST_PG_USER and POSTERN_TEST_PG_PASSWORD.
 */
final class PostgresTestDatabase implements AutoCloseable {
    static final String ADMIN_URL = env("POSTERN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String ADMIN_USER = env("POSTERN_TEST_PG_USER", "postgres");
    static final String ADMIN_PASSWORD = System.getenv("POSTERN_TEST_PG_PASSWORD");

    final String database;
    final String owner;
    final String runtime;
    /** Not checked under trust authentication, but what a deployment would set: long and random. */
    final String ownerPassword = "owner-" + UUID.randomUUID();
    final String runtimePassword = "runtime-" + UUID.randomUUID();
    final String url;

    PostgresTestDatabase() throws SQLException {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        database = "postern_test_" + suffix;
        owner = "postern_owner_" + suffix;
        runtime = "postern_app_" + suffix;
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + owner + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + ownerPassword + "'");
            s.execute("CREATE ROLE " + runtime + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + runtimePassword + "'");
            s.execute("CREATE DATABASE " + database + " OWNER " + owner);
        }
        url = withDatabase(ADMIN_URL, database);
    }

    /** The store as a deployment opens it: runtime role for the pool, owner role for migrations. */
    SqlMetadataStore open() {
        return SqlMetadataStore.openPostgres(url, runtime, runtimePassword, owner, ownerPassword);
    }

    Connection connectAs(String role, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        return DriverManager.getConnection(url, props);
    }

    /** The test server's administrator, in this database. */
    Connection adminHere() throws SQLException {
        return DriverManager.getConnection(url, adminProps());
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = admin()) {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                p.setString(1, database);
                p.execute();
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database);
                s.execute("DROP ROLE IF EXISTS " + runtime);
                s.execute("DROP ROLE IF EXISTS " + owner);
            }
        }
    }

    static Connection admin() throws SQLException {
        return DriverManager.getConnection(ADMIN_URL, adminProps());
    }

    private static Properties adminProps() {
        Properties props = new Properties();
        props.setProperty("user", ADMIN_USER);
        if (ADMIN_PASSWORD != null) {
            props.setProperty("password", ADMIN_PASSWORD);
        }
        return props;
    }

    /** The same URL naming another database: jdbc:postgresql://host[:port]/db[?params]. */
    static String withDatabase(String jdbcUrl, String db) {
        int hostStart = jdbcUrl.indexOf("//");
        if (hostStart < 0) {
            throw new IllegalArgumentException("POSTERN_TEST_PG_URL must look like jdbc:postgresql://host:port/db");
        }
        int query = jdbcUrl.indexOf('?');
        String base = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        String params = query < 0 ? "" : jdbcUrl.substring(query);
        int slash = base.indexOf('/', hostStart + 2);
        String hostPart = slash < 0 ? base : base.substring(0, slash);
        return hostPart + "/" + db + params;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

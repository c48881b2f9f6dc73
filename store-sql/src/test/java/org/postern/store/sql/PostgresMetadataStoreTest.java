package org.postern.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.model.UnavailableException;
import org.postern.store.AddressLifecycleContract;
import org.postern.store.IdentityStoreContract;
import org.postern.store.MetadataStore;
import org.postern.store.MetadataStoreContract;

/**
 * The contract on PostgreSQL, in a database of its own that is dropped afterwards. The server is
 * 127.0.0.1:5432 as user postgres, or POSTERN_TEST_PG_URL (a JDBC URL to a database the user may
 * connect to and create databases from), POSTERN_TEST_PG_USER and POSTERN_TEST_PG_PASSWORD.
 * If the server cannot be reached every test here fails: CI relies on this suite running.
 */
class PostgresMetadataStoreTest implements MetadataStoreContract, IdentityStoreContract, AddressLifecycleContract {
    private static final String ADMIN_URL = env("POSTERN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("POSTERN_TEST_PG_USER", "postgres");
    private static final String PASSWORD = System.getenv("POSTERN_TEST_PG_PASSWORD");

    private static String database;
    private static String url;

    private SqlMetadataStore store;

    @BeforeAll
    static void createDatabase() throws SQLException {
        database = "postern_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        url = withDatabase(ADMIN_URL, database);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (database == null) {
            return;
        }
        try (Connection c = admin()) {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                p.setString(1, database);
                p.execute();
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    @BeforeEach
    void open() {
        store = SqlMetadataStore.openPostgres(url, USER, PASSWORD);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    public MetadataStore store() {
        return store;
    }

    @Override
    public MetadataStore reopen() {
        store.close();
        store = SqlMetadataStore.openPostgres(url, USER, PASSWORD);
        return store;
    }

    @Test
    void theBackendIsPostgresql() {
        assertThat(store.backendName()).isEqualTo("postgresql");
    }

    @Test
    void databaseErrorsCarryNoRowValues() {
        ErrorHygiene.assertNoRowValuesLeak(store);
    }

    @Test
    void anUnreachableServerIsUnavailableAndTheErrorHasNoPassword() {
        assertThatThrownBy(() -> SqlMetadataStore.openPostgres("jdbc:postgresql://127.0.0.1:1/postern", "postern",
                "s3cret-password"))
                .isInstanceOf(UnavailableException.class)
                .satisfies(e -> ErrorHygiene.assertNowhereInChain(e, "s3cret-password"));
    }

    private static Connection admin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        if (PASSWORD != null) {
            props.setProperty("password", PASSWORD);
        }
        return DriverManager.getConnection(ADMIN_URL, props);
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

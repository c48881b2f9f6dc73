package org.postern.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
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
 * The contract on PostgreSQL, in a database of its own that is dropped afterwards, opened as a
 * deployment does: the runtime role serves, the owner role migrates ({@link PostgresTestDatabase}).
 * If the server cannot be reached every test here fails: CI relies on this suite running.
 */
class PostgresMetadataStoreTest implements MetadataStoreContract, IdentityStoreContract, AddressLifecycleContract {
    private static PostgresTestDatabase db;

    private SqlMetadataStore store;

    @BeforeAll
    static void createDatabase() throws SQLException {
        db = new PostgresTestDatabase();
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void open() {
        store = db.open();
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
        store = db.open();
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
                "s3cret-password", "postern_owner", "0ther-s3cret"))
                .isInstanceOf(UnavailableException.class)
                .satisfies(e -> ErrorHygiene.assertNowhereInChain(e, "s3cret-password"))
                .satisfies(e -> ErrorHygiene.assertNowhereInChain(e, "0ther-s3cret"));
    }
}

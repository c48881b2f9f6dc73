package org.postern.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.UUID;
import org.jdbi.v3.core.JdbiException;
import org.postern.model.PosternException;

/** Checks that database failures leave the store without the values that caused them. */
final class ErrorHygiene {
    private ErrorHygiene() {}

    /** Provokes a raw unique violation with a recognisable value and checks the translated failure. */
    static void assertNoRowValuesLeak(SqlMetadataStore store) {
        String secret = "leaky-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        try {
            store.jdbiForTests().useTransaction(h -> {
                allTenants(store, h);
                for (int i = 0; i < 2; i++) {
                    h.createUpdate("INSERT INTO tenants (id, name, created_at) VALUES (:id, :name, 0)")
                            .bind("id", i == 0 ? id : UUID.randomUUID().toString())
                            .bind("name", secret)
                            .execute();
                }
            });
            fail("the second insert should have violated tenants_name_key");
        } catch (JdbiException raw) {
            PosternException translated = SqlErrors.translate(raw);
            assertNowhereInChain(translated, secret);
            assertNowhereInChain(translated, "INSERT");
        } finally {
            store.jdbiForTests().useTransaction(h -> {
                allTenants(store, h);
                h.createUpdate("DELETE FROM tenants WHERE id = :id").bind("id", id).execute();
            });
        }
    }

    /** On PostgreSQL, lets this raw transaction past row-level security, as a server-wide scope would. */
    static void allTenants(SqlMetadataStore store, org.jdbi.v3.core.Handle h) {
        if (store.backendName().equals("postgresql")) {
            h.createQuery("SELECT set_config('postern.tenant', '*', true)").mapTo(String.class).one();
        }
    }

    static void assertNowhereInChain(Throwable failure, String text) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("message of " + t.getClass().getName()).doesNotContain(text);
            assertThat(t.toString()).doesNotContain(text);
        }
    }
}

package org.postern.store.sql;

import org.jdbi.v3.core.Handle;

/**
 * What the two backends do differently, beyond the SQL subset both understand. Each backend has one
 * small class; everything else is shared SQL.
 */
sealed interface Dialect permits SqliteDialect, PostgresDialect {

    /**
     * Holds the audit log exclusively until the transaction ends: from here to COMMIT no other
     * transaction, in this process or another, can append to it. Must be called before reading the
     * last entry.
     */
    void lockAuditLog(Handle handle);

    /**
     * Tells the database, for the rest of the transaction, which tenant's rows it may reach:
     * {@code tenant} is a tenant id or {@link Tx#ALL_TENANTS}. Row-level security keys on it where the
     * backend has it; elsewhere this does nothing and the statements' own scope conditions are the rule.
     */
    void setTenant(Handle handle, String tenant);

    /** Appended to a SELECT that must lock the rows it reads until the transaction ends. */
    String forUpdate();

    /**
     * Appended to a SELECT that claims work rows: locks them until the transaction ends and skips
     * rows another transaction holds, so several nodes claim disjoint rows without waiting.
     */
    String forUpdateSkipLocked();
}

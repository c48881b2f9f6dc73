package org.postern.store.sql;

import org.jdbi.v3.core.Handle;

/** PostgreSQL at READ COMMITTED, possibly with several Postern nodes on one database. */
final class PostgresDialect implements Dialect {
    /** The transaction-local setting the row-level security policies compare tenant_id with. */
    static final String TENANT_SETTING = "postern.tenant";

    /**
     * SHARE ROW EXCLUSIVE conflicts with itself and with every writer of the table, but not with
     * readers: appenders queue one after another (across nodes too) until each commits, while
     * listing and verifying go on. At READ COMMITTED each statement after the lock sees every
     * append committed before it was granted.
     */
    @Override
    public void lockAuditLog(Handle handle) {
        handle.execute("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE");
    }

    /**
     * {@code set_config(..., true)} lasts until COMMIT or ROLLBACK, so a pooled connection never
     * carries one transaction's tenant into the next: a transaction that has not said starts with
     * an empty setting, which the policies answer with no rows at all.
     */
    @Override
    public void setTenant(Handle handle, String tenant) {
        handle.createQuery("SELECT set_config('" + TENANT_SETTING + "', :tenant, true)")
                .bind("tenant", tenant)
                .mapTo(String.class)
                .one();
    }

    @Override
    public String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    public String forUpdateSkipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }
}

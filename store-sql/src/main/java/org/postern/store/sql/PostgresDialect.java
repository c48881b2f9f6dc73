package org.postern.store.sql;

import org.jdbi.v3.core.Handle;

/** PostgreSQL at READ COMMITTED, possibly with several Postern nodes on one database. */
final class PostgresDialect implements Dialect {

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

    @Override
    public String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    public String forUpdateSkipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }
}

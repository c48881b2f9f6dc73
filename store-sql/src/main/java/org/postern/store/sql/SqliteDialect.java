package org.postern.store.sql;

import org.jdbi.v3.core.Handle;

/** SQLite: one writer per database file, and every transaction here starts with BEGIN IMMEDIATE. */
final class SqliteDialect implements Dialect {

    /** Nothing to do: BEGIN IMMEDIATE already took the database's only write lock, for all processes. */
    @Override
    public void lockAuditLog(Handle handle) {}

    /**
     * Nothing to do: SQLite has no row-level security, and whoever can open the file can read all
     * of it. The {@link ScopeFilter} conditions in every statement are the whole rule here.
     */
    @Override
    public void setTenant(Handle handle, String tenant) {}

    @Override
    public String forUpdate() {
        // Every SQLite transaction here already holds the database's write lock from its start.
        return "";
    }

    @Override
    public String forUpdateSkipLocked() {
        // One process owns an SQLite file, and BEGIN IMMEDIATE already serialises the claim.
        return "";
    }
}

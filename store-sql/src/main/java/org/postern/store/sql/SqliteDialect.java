package org.postern.store.sql;

import org.jdbi.v3.core.Handle;

/** SQLite: one writer per database file, and every transaction here starts with BEGIN IMMEDIATE. */
final class SqliteDialect implements Dialect {

    /** Nothing to do: BEGIN IMMEDIATE already took the database's only write lock, for all processes. */
    @Override
    public void lockAuditLog(Handle handle) {}

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

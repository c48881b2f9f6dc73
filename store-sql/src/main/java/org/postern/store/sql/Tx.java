package org.postern.store.sql;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.postern.access.Scope;

/**
 * One transaction's handle. The repositories given to a unit of work hold this, and refuse to run
 * once the transaction is over, so a repository leaked out of its work cannot write outside it.
 *
 * <p>It also tells the database which tenant the transaction works for ({@link #enter}): on
 * PostgreSQL row-level security admits only that tenant's rows, whatever the SQL says.
 */
final class Tx {
    /** The tenant setting of a server-wide scope: every tenant's rows (see V8__row_level_security.sql). */
    static final String ALL_TENANTS = "*";

    private final Handle handle;
    private final Clock clock;
    private final Dialect dialect;
    private volatile boolean open = true;
    /** What the database was last told in this transaction; null before the first statement. */
    private String tenantSetting;

    Tx(Handle handle, Clock clock, Dialect dialect) {
        this.handle = handle;
        this.clock = clock;
        this.dialect = dialect;
    }

    Handle handle() {
        if (!open) {
            throw new IllegalStateException("these repositories belong to a transaction that has ended");
        }
        return handle;
    }

    /**
     * Sets the transaction's tenant to {@code scope}'s (or to all tenants for a server-wide scope)
     * unless it is that already: one round trip per transaction in the usual case, and another
     * only when a unit of work moves between scopes.
     */
    void enter(Scope scope) {
        Objects.requireNonNull(scope, "scope");
        String wanted = scope.tenant().map(t -> t.value().toString()).orElse(ALL_TENANTS);
        if (!wanted.equals(tenantSetting)) {
            dialect.setTenant(handle(), wanted);
            tenantSetting = wanted;
        }
    }

    /** What this backend does differently. */
    Dialect dialect() {
        return dialect;
    }

    /** Now, at the millisecond precision the database keeps. */
    Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    void end() {
        open = false;
    }
}

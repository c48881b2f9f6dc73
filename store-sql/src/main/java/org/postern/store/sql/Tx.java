package org.postern.store.sql;

import java.time.Clock;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * One transaction's handle. The repositories given to a unit of work hold this, and refuse to run
 * once the transaction is over, so a repository leaked out of its work cannot write outside it.
 */
final class Tx {
    private final Handle handle;
    private final Clock clock;
    private final Dialect dialect;
    private volatile boolean open = true;

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

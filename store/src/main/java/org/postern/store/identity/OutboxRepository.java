package org.postern.store.identity;

import java.util.List;
import org.postern.access.Scope;

/** The local outbox of notices. */
public interface OutboxRepository {
    void add(Scope scope, OutboxMessage message);

    /** Newest first, at most {@code limit} (1 to 500). */
    List<OutboxMessage> list(Scope scope, int limit);
}

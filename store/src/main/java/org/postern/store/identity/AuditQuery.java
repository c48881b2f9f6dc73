package org.postern.store.identity;

import java.util.Optional;
import org.postern.model.UserId;

/** A page of the audit log, newest first: entries with seq below {@code beforeSeq}, at most {@code limit}. */
public record AuditQuery(Optional<UserId> subject, Optional<Long> beforeSeq, int limit) {
    public static final int MAX_LIMIT = 500;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
    }
}

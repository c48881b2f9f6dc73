package org.postern.store.identity;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.postern.access.Scope;

/**
 * The append-only audit log. There is no update or delete: entries leave only with the database.
 * A user scope sees the entries whose subject is the user; a tenant scope its tenant's entries.
 */
public interface AuditRepository {
    /**
     * Appends one entry. {@code build} receives the current last entry (empty for the first) and
     * returns the new one, whose seq must be one more; the repository holds the log exclusively
     * from reading the last entry to inserting, so concurrent appends (also from other nodes)
     * never fork the chain. Needs a server-wide scope.
     * @throws IllegalStateException if the built entry's seq is not the last one's plus one, or its
     *     prevHash is not the last entry's hash; nothing is stored
     * @throws org.postern.model.AccessDeniedException for a narrower scope
     */
    AuditEntry append(Scope scope, Function<Optional<AuditEntry>, AuditEntry> build);

    List<AuditEntry> list(Scope scope, AuditQuery query);

    /** Entries with seq greater than {@code afterSeq}, oldest first, at most {@code limit} (1 to 10,000); for verification. */
    List<AuditEntry> scan(Scope scope, long afterSeq, int limit);
}

package org.postern.auth.audit;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.store.MetadataStore;
import org.postern.store.Repositories;
import org.postern.store.identity.AuditEntry;

/**
 * Writes security events to the hash-chained audit log and checks the chain. Appending goes
 * through {@link org.postern.store.identity.AuditRepository#append}, which holds the log
 * exclusively between reading the last entry and inserting the next, so concurrent writers (on
 * any node) never fork the chain.
 */
public final class AuditLog {
    /** Entries read per transaction while verifying. */
    static final int PAGE = 1000;

    private final MetadataStore store;
    private final Scope scope;
    private final AuditChain chain;
    private final Clock clock;

    public AuditLog(MetadataStore store, AccessPolicy policy, AuditChain chain, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.scope = policy.scopeFor(new Caller.System("audit"));
        this.chain = Objects.requireNonNull(chain, "chain");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records {@code event} in a transaction of its own. */
    public AuditEntry record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        return store.inTransaction(tx -> record(tx, event));
    }

    /** Records {@code event} inside the caller's transaction: it is kept only if that transaction commits. */
    public AuditEntry record(Repositories tx, AuditEvent event) {
        Objects.requireNonNull(event, "event");
        return tx.audit().append(scope, last -> chain.next(last, event, clock.instant()));
    }

    /**
     * Reads the whole log in seq order and checks every link: a changed entry, a missing one, an
     * inserted or reordered one, or a log that does not start at seq 1 is reported with the seq
     * where the chain first breaks.
     */
    public AuditVerification verify() {
        long afterSeq = 0;
        long checked = 0;
        Optional<AuditEntry> previous = Optional.empty();
        while (true) {
            long from = afterSeq;
            List<AuditEntry> page = store.inTransaction(tx -> tx.audit().scan(scope, from, PAGE));
            for (AuditEntry entry : page) {
                checked++;
                Optional<String> problem = chain.problem(previous, entry);
                if (problem.isPresent()) {
                    return new AuditVerification(checked, OptionalLong.of(entry.seq()), problem.get());
                }
                previous = Optional.of(entry);
            }
            if (page.size() < PAGE) {
                return AuditVerification.intact(checked);
            }
            afterSeq = page.getLast().seq();
        }
    }
}

package org.postern.auth.signin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.model.SessionId;
import org.postern.model.UserId;
import org.postern.store.MetadataStore;

/**
 * Whether a session is still live (not revoked, not expired, its user not disabled), remembered
 * for at most {@code maxAge}. Access tokens are checked against this on every request, so a
 * revocation made on any node stops them everywhere within {@code maxAge} (at most 60 s), and at
 * once on the node that revoked.
 */
public final class SessionStatus {
    /** Bounds the memory the cache may take; entries beyond it are dropped, costing only a lookup. */
    static final int MAX_ENTRIES = 100_000;

    private record Entry(UserId user, boolean active, Instant checkedAt) {}

    private final MetadataStore store;
    private final Scope system;
    private final Duration maxAge;
    private final Clock clock;
    private final ConcurrentHashMap<SessionId, Entry> cache = new ConcurrentHashMap<>();

    public SessionStatus(MetadataStore store, AccessPolicy policy, Duration maxAge, Clock clock) {
        this.store = store;
        this.system = policy.scopeFor(new Caller.System("session-status"));
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public boolean active(SessionId session, UserId user) {
        Instant now = clock.instant();
        Entry cached = cache.get(session);
        if (cached != null && cached.user().equals(user) && cached.checkedAt().plus(maxAge).isAfter(now)) {
            return cached.active();
        }
        boolean active = store.inTransaction(tx -> tx.sessions().byId(system, session)
                .filter(s -> s.userId().equals(user) && s.activeAt(now))
                .flatMap(s -> tx.users().byId(system, user))
                .map(u -> !u.disabled())
                .orElse(false));
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(session, new Entry(user, active, now));
        return active;
    }

    public void forget(SessionId session) {
        cache.remove(session);
    }

    public void forgetUser(UserId user) {
        cache.values().removeIf(e -> e.user().equals(user));
    }
}

package org.postern.auth.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SessionStatus;
import org.postern.model.NotFoundException;
import org.postern.model.SessionId;
import org.postern.model.UserId;
import org.postern.store.MetadataStore;
import org.postern.store.User;
import org.postern.store.identity.AuthSession;

/**
 * A user's sign-in sessions: list them (device, IP, last seen), end one, end all ("sign out
 * everywhere"); an admin can end all of a user's. Ending a session refuses its refresh tokens at
 * once and its access tokens within the session-status bound.
 */
public final class Sessions {
    private final MetadataStore store;
    private final AccessPolicy policy;
    private final SessionStatus status;
    private final AuditLog audit;
    private final Clock clock;

    public Sessions(MetadataStore store, AccessPolicy policy, SessionStatus status, AuditLog audit, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.status = status;
        this.audit = audit;
        this.clock = clock;
    }

    public List<AuthSession> list(Principal principal) {
        principal.requireApiScope("account");
        Caller.User me = principal.caller();
        Scope mine = policy.userScope(me, me.tenantId(), me.userId());
        return store.inTransaction(tx -> tx.sessions().listActive(mine, me.userId(), clock.instant()));
    }

    /** Ends the caller's current session: signing out, allowed at every session level. */
    public void signOut(Principal principal, ClientInfo client) {
        SessionId current = principal.session().orElseThrow(() -> new NotFoundException("not a session"));
        endOwn(principal, current, client);
    }

    /** Ends one of the caller's own sessions. */
    public void end(Principal principal, SessionId session, ClientInfo client) {
        principal.requireApiScope("account");
        endOwn(principal, session, client);
    }

    private void endOwn(Principal principal, SessionId session, ClientInfo client) {
        Caller.User me = principal.caller();
        Scope mine = policy.userScope(me, me.tenantId(), me.userId());
        Instant now = clock.instant();
        boolean ended = store.inTransaction(tx -> {
            boolean revoked = tx.sessions().byId(mine, session).filter(s -> s.userId().equals(me.userId())).isPresent()
                    && tx.sessions().revoke(mine, session, now, "signed-out");
            if (revoked) {
                audit.record(tx, AuditEvents.about(me.tenantId(), me.userId(), AuditEvents.actor(me), "session.revoke",
                        "success", client, Map.of("session", session.toString())));
            }
            return revoked;
        });
        status.forget(session);
        if (!ended) {
            throw new NotFoundException("no such session");
        }
    }

    /** Signs out everywhere. @return how many sessions ended */
    public int endAll(Principal principal, ClientInfo client) {
        principal.requireApiScope("account");
        Caller.User me = principal.caller();
        return endAllOf(me, me.userId(), client, "signed-out-everywhere");
    }

    /** An admin (or the operator) ends every session of a user they administer. */
    public int endAllOf(Caller admin, UserId target, ClientInfo client) {
        return endAllOf(admin, target, client, "ended-by-admin");
    }

    private int endAllOf(Caller actor, UserId target, ClientInfo client, String reason) {
        Instant now = clock.instant();
        int ended = store.inTransaction(tx -> {
            User user = tx.users().byId(policy.scopeFor(actor), target)
                    .orElseThrow(() -> new NotFoundException("no such user"));
            Scope scope = policy.userScope(actor, user.tenantId(), user.id());
            boolean self = actor instanceof Caller.User u && u.userId().equals(target);
            if (!self && user.role() == org.postern.model.Role.SERVER_ADMIN && !policy.scopeFor(actor).isServerWide()) {
                // A server admin lives in some tenant, but that tenant's admins do not administer them.
                throw new NotFoundException("no such user");
            }
            int n = tx.sessions().revokeAllOf(scope, user.id(), now, reason);
            audit.record(tx, AuditEvents.about(user, AuditEvents.actor(actor), "session.revoke_all", "success", client,
                    Map.of("sessions_ended", Integer.toString(n), "reason", reason)));
            return n;
        });
        status.forgetUser(target);
        return ended;
    }
}

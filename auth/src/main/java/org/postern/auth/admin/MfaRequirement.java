package org.postern.auth.admin;

import java.time.Clock;
import java.util.Map;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.SecondFactor;
import org.postern.auth.signin.SessionStatus;
import org.postern.model.NotFoundException;
import org.postern.model.UserId;
import org.postern.store.MetadataStore;
import org.postern.store.User;

/**
 * An admin requires (or stops requiring) two-step sign-in of one user, whatever the tenant's
 * policy; {@link SecondFactor#mandatory} applies it at every sign-in. Requiring it of a user who
 * has no TOTP also ends their sessions: a session opened before the rule would otherwise stay
 * full until it expired, and the next sign-in can only enrol. Audited in the same transaction.
 */
public final class MfaRequirement {
    private final MetadataStore store;
    private final AccessPolicy policy;
    private final SecondFactor secondFactor;
    private final SessionStatus status;
    private final AuditLog audit;
    private final Clock clock;

    public MfaRequirement(MetadataStore store, AccessPolicy policy, SecondFactor secondFactor, SessionStatus status,
            AuditLog audit, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.secondFactor = secondFactor;
        this.status = status;
        this.audit = audit;
        this.clock = clock;
    }

    /** @throws NotFoundException when the caller does not administer the user (or there is none) */
    public User set(Caller admin, UserId target, boolean required, ClientInfo client) {
        User changed = store.inTransaction(tx -> {
            Scope broadest = policy.scopeFor(admin);
            User before = tx.users().byId(broadest, target).orElseThrow(() -> new NotFoundException("no such user"));
            // A plain user's scope is refused here (and by the repository): nobody lifts their own requirement.
            Scope scope = broadest.isServerWide() ? broadest : policy.tenantScope(admin, before.tenantId());
            if (!tx.users().setMfaRequired(scope, target, required)) {
                // A tenant admin does not administer a server admin who lives in their tenant.
                throw new NotFoundException("no such user");
            }
            User after = tx.users().byId(scope, target).orElseThrow(() -> new NotFoundException("no such user"));
            int ended = 0;
            if (required && !before.mfaRequired() && !secondFactor.enrolled(tx, scope, after)) {
                ended = tx.sessions().revokeAllOf(policy.userScope(admin, after.tenantId(), after.id()), after.id(),
                        clock.instant(), "mfa-required");
            }
            audit.record(tx, AuditEvents.about(after, AuditEvents.actor(admin), "user.require_mfa", "success", client,
                    Map.of("require_mfa", Boolean.toString(required), "was", Boolean.toString(before.mfaRequired()),
                            "sessions_ended", Integer.toString(ended))));
            return after;
        });
        status.forgetUser(target);
        return changed;
    }
}

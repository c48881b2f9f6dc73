package org.postern.auth.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SessionStatus;
import org.postern.auth.throttle.SignInThrottle;
import org.postern.auth.throttle.ThrottleDecision;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.directory.PasswordPolicy;
import org.postern.model.AccessDeniedException;
import org.postern.model.NotFoundException;
import org.postern.store.MetadataStore;
import org.postern.store.User;
import org.postern.store.identity.AccountSecurity;

/**
 * A signed-in user changes their password, proving the current one (throttled like a sign-in, so
 * a stolen session cannot be used to guess it). Every session of the account ends, this one too:
 * old access tokens stop working within the session-status bound, at once on this node.
 */
public final class PasswordChange {
    private final MetadataStore store;
    private final AccessPolicy policy;
    private final PasswordHasher hasher;
    private final SignInThrottle throttle;
    private final SessionStatus sessionStatus;
    private final Notifier notifier;
    private final AuditLog audit;
    private final Clock clock;

    public PasswordChange(MetadataStore store, AccessPolicy policy, PasswordHasher hasher, SignInThrottle throttle,
            SessionStatus sessionStatus, Notifier notifier, AuditLog audit, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.hasher = hasher;
        this.throttle = throttle;
        this.sessionStatus = sessionStatus;
        this.notifier = notifier;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return how many sessions were ended. Both arrays are wiped. */
    public int change(Principal principal, char[] current, char[] replacement, ClientInfo client) {
        try {
            principal.requireFullSession();
            PasswordPolicy.check(replacement);
            Scope system = policy.scopeFor(new Caller.System("password-change"));
            User user = store.inTransaction(tx -> tx.users().byId(system, principal.caller().userId()))
                    .orElseThrow(() -> new NotFoundException("no such user"));
            String login = user.login().toString();
            if (throttle.check(login, client.ip()) instanceof ThrottleDecision.Locked) {
                throw new AccessDeniedException("password change refused");
            }
            if (!hasher.verify(current, user.passwordHash())) {
                throttle.failure(login, client.ip());
                audit.record(AuditEvents.self(user, "password.change", "failure", client, Map.of()));
                throw new AccessDeniedException("current password is wrong");
            }
            String hash = hasher.hash(replacement);
            Instant now = clock.instant();
            int ended = store.inTransaction(tx -> {
                tx.users().setPasswordHash(system, user.id(), hash);
                AccountSecurity account = tx.securitySettings().account(system, user.tenantId(), user.id());
                tx.securitySettings().saveAccount(system, new AccountSecurity(user.id(), user.tenantId(),
                        account.recoveryAddress(), account.emailVerified(), Optional.of(now)));
                int n = tx.sessions().revokeAllOf(system, user.id(), now, "password-changed");
                // As the big providers do: secrets minted under the old password do not outlive it.
                int credentials = tx.credentials().revokeAllOf(system, user.id(), now);
                audit.record(tx, AuditEvents.self(user, "password.change", "success", client,
                        Map.of("sessions_ended", Integer.toString(n), "credentials_revoked", Integer.toString(credentials))));
                notifier.send(tx, user, account.recoveryAddress().filter(a -> account.emailVerified()).orElse(user.login()),
                        "security-notice", "Your Postern password was changed",
                        "The password of " + user.login() + " was changed; every session was signed out and every"
                                + " app password and API token revoked."
                                + " If this was not you, start account recovery now.");
                return n;
            });
            sessionStatus.forgetUser(user.id());
            return ended;
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(replacement, '\0');
        }
    }
}

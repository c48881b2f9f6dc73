package org.postern.auth.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.AuthSettings;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Logins;
import org.postern.auth.signin.SessionStatus;
import org.postern.auth.throttle.SignInThrottle;
import org.postern.auth.throttle.ThrottleDecision;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.directory.PasswordPolicy;
import org.postern.model.AccessDeniedException;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.store.MetadataStore;
import org.postern.store.User;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.CodePurpose;
import org.postern.store.identity.OneTimeCode;

/**
 * "I forgot my password": a single-use, short-lived code sent only to the account's verified
 * recovery address lets the user set a new password. Every session ends and every app password
 * and API token is revoked. The second factor is
 * untouched: losing it too needs an admin ({@link MfaAdministration}).
 *
 * <p>SECURITY: exposed before authentication. {@link #start} answers the same whether or not the
 * account exists or has a recovery address, so it reveals nothing. Wrong codes are throttled
 * with sign-in failures, per (login, source address) and per source address.
 */
public final class AccountRecovery {
    /** At most one new code per account this often; asking again sooner sends nothing (and says the same). */
    public static final java.time.Duration RESEND_INTERVAL = java.time.Duration.ofMinutes(1);

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final PasswordHasher hasher;
    private final SignInThrottle throttle;
    private final Notifier notifier;
    private final SessionStatus sessionStatus;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final ShortCodes codes;
    private final Clock clock;

    public AccountRecovery(MetadataStore store, AccessPolicy policy, PasswordHasher hasher, SignInThrottle throttle,
            Notifier notifier, SessionStatus sessionStatus, AuditLog audit, AuthSettings settings, ShortCodes codes,
            Clock clock) {
        this.throttle = throttle;
        this.codes = codes;
        this.store = store;
        this.policy = policy;
        this.hasher = hasher;
        this.notifier = notifier;
        this.sessionStatus = sessionStatus;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    public void start(String login, ClientInfo client) {
        Optional<EmailAddress> address = Logins.parse(login);
        Instant now = clock.instant();
        store.inTransaction(tx -> {
            Optional<User> user = address.flatMap(a -> tx.users().byLogin(system(), a)).filter(u -> !u.disabled());
            if (user.isEmpty()) {
                audit.record(tx, AuditEvents.anonymous("recovery.start", "failure", client, Map.of("reason", "unknown-login")));
                return null;
            }
            User u = user.get();
            AccountSecurity account = tx.securitySettings().account(system(), u.tenantId(), u.id());
            if (!account.emailVerified() || account.recoveryAddress().isEmpty()) {
                audit.record(tx, AuditEvents.self(u, "recovery.start", "failure", client, Map.of("reason", "no-recovery-address")));
                return null;
            }
            if (tx.oneTimeCodes().latestUsable(system(), u.id(), CodePurpose.RECOVERY, now)
                    .filter(c -> c.createdAt().plus(RESEND_INTERVAL).isAfter(now)).isPresent()) {
                // One code a minute: no flood of mail to the recovery address, no fresh guesses on demand.
                audit.record(tx, AuditEvents.self(u, "recovery.start", "failure", client, Map.of("reason", "too-soon")));
                return null;
            }
            String code = OpaqueSecrets.emailCode();
            tx.oneTimeCodes().create(system(), new OneTimeCode(UUID.randomUUID(), u.tenantId(), u.id(),
                    CodePurpose.RECOVERY, codes.hash(code), now, now.plus(settings.emailCodeLifetime()),
                    Optional.empty(), 0));
            notifier.send(tx, u, account.recoveryAddress().get(), "recovery", "Reset your Postern password",
                    "Someone asked to reset the password of " + u.login() + ". If it was you, the code is " + code
                            + "; it expires in " + settings.emailCodeLifetime().toMinutes()
                            + " minutes. If it was not you, ignore this message; your password is unchanged.");
            audit.record(tx, AuditEvents.self(u, "recovery.start", "success", client, Map.of()));
            return null;
        });
    }

    /**
     * Sets a new password if {@code code} is the account's live recovery code. The password array is wiped.
     *
     * @throws AccessDeniedException for a wrong, used or expired code, or an unknown login (one answer)
     */
    public void complete(String login, String code, char[] newPassword, ClientInfo client) {
        try {
            PasswordPolicy.check(newPassword);
            // Each start makes a fresh code with fresh attempts, so the per-code limit alone would
            // allow start-and-guess for ever: wrong codes count against (login, address) like
            // failed sign-ins, and a locked pair is refused even the right code.
            String throttleLogin = Logins.throttleKey(login);
            if (throttle.check(throttleLogin, client.ip()) instanceof ThrottleDecision.Locked) {
                audit.record(AuditEvents.anonymous("recovery.complete", "locked", client, Map.of()));
                throw new AccessDeniedException("recovery code not valid");
            }
            String hash = hasher.hash(newPassword);
            Optional<EmailAddress> address = Logins.parse(login);
            Instant now = clock.instant();
            record Outcome(User user, boolean ok) {}
            Outcome outcome = store.inTransaction(tx -> {
                Optional<User> user = address.flatMap(a -> tx.users().byLogin(system(), a)).filter(u -> !u.disabled());
                if (user.isEmpty()) {
                    audit.record(tx, AuditEvents.anonymous("recovery.complete", "failure", client,
                            Map.of("reason", "unknown-login")));
                    return new Outcome(null, false);
                }
                User u = user.get();
                Optional<OneTimeCode> pending = tx.oneTimeCodes().latestUsable(system(), u.id(), CodePurpose.RECOVERY, now);
                if (pending.isEmpty()) {
                    audit.record(tx, AuditEvents.self(u, "recovery.complete", "failure", client, Map.of("reason", "no-code")));
                    return new Outcome(u, false);
                }
                OneTimeCode c = pending.get();
                if (code == null || code.length() > 32
                        || !OpaqueSecrets.matches(codes.hash(code), c.codeHash())) {
                    if (tx.oneTimeCodes().countAttempt(system(), c.id()) >= settings.maxCodeAttempts()) {
                        tx.oneTimeCodes().markUsed(system(), c.id(), now);
                    }
                    audit.record(tx, AuditEvents.self(u, "recovery.complete", "failure", client, Map.of("reason", "code")));
                    return new Outcome(u, false);
                }
                tx.oneTimeCodes().markUsed(system(), c.id(), now);
                tx.users().setPasswordHash(system(), u.id(), hash);
                AccountSecurity account = tx.securitySettings().account(system(), u.tenantId(), u.id());
                tx.securitySettings().saveAccount(system(), new AccountSecurity(u.id(), u.tenantId(),
                        account.recoveryAddress(), account.emailVerified(), Optional.of(now)));
                int ended = tx.sessions().revokeAllOf(system(), u.id(), now, "password-reset");
                // A reset means the account may have been someone else's: their app passwords and tokens go too.
                int credentials = tx.credentials().revokeAllOf(system(), u.id(), now);
                audit.record(tx, AuditEvents.self(u, "recovery.complete", "success", client,
                        Map.of("sessions_ended", Integer.toString(ended), "credentials_revoked", Integer.toString(credentials))));
                account.recoveryAddress().ifPresent(to -> notifier.send(tx, u, to, "security-notice",
                        "Your Postern password was reset",
                        "The password of " + u.login() + " was reset with a recovery code; every session was"
                                + " signed out and every app password and API token revoked. If this was not you, contact your administrator now."));
                return new Outcome(u, true);
            });
            if (!outcome.ok()) {
                throttle.failure(throttleLogin, client.ip());
                throw new AccessDeniedException("recovery code not valid");
            }
            throttle.success(throttleLogin, client.ip());
            sessionStatus.forgetUser(outcome.user().id());
        } finally {
            java.util.Arrays.fill(newPassword, '\0');
        }
    }

    private Scope system() {
        return policy.scopeFor(new Caller.System("recovery"));
    }

}

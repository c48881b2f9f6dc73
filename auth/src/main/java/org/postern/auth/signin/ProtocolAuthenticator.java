package org.postern.auth.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.throttle.SignInThrottle;
import org.postern.auth.throttle.ThrottleDecision;
import org.postern.crypto.PasswordHasher;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.store.MetadataStore;
import org.postern.store.Repositories;
import org.postern.store.User;
import org.postern.store.identity.Credential;
import org.postern.store.identity.CredentialKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in for protocols that cannot ask for a TOTP code (IMAP, SMTP submission): a login and a
 * secret, which is either an app password scoped for the protocol or, only for an account with no
 * second factor (no TOTP, not an admin, not in a tenant requiring MFA), the account password.
 *
 * <p>SECURITY: exposed to anyone who can reach the IMAP or submission ports. Throttled and
 * audited exactly like interactive sign-in, through the same throttle, so a flood of guesses on
 * IMAP slows guesses on the API too.
 */
public final class ProtocolAuthenticator {
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");

    /** The protocols app passwords are scoped to; the scope names are their lower-case names. */
    public enum Protocol {
        IMAP, SMTP;

        public String scope() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MetadataStore store;
    private final Scope system;
    private final PasswordHasher hasher;
    private final TimingEqualiser dummy;
    private final SignInThrottle throttle;
    private final SecondFactor secondFactor;
    private final AuditLog audit;
    private final Clock clock;

    public ProtocolAuthenticator(MetadataStore store, AccessPolicy policy, PasswordHasher hasher,
            SignInThrottle throttle, SecondFactor secondFactor, AuditLog audit, Clock clock) {
        this.store = store;
        this.system = policy.scopeFor(new Caller.System("protocol-auth"));
        this.hasher = hasher;
        this.dummy = new TimingEqualiser(hasher);
        this.throttle = throttle;
        this.secondFactor = secondFactor;
        this.audit = audit;
        this.clock = clock;
    }

    /** The signed-in user, or empty (one answer for every kind of failure). Wipes {@code secret}. */
    public Optional<Caller.User> authenticate(Protocol protocol, String login, char[] secret, ClientInfo client) {
        try {
            String throttleLogin = Logins.throttleKey(login);
            ThrottleDecision decision = throttle.check(throttleLogin, client.ip());
            if (decision instanceof ThrottleDecision.Locked) {
                dummy.spend(secret);
                audit.record(AuditEvents.anonymous(protocol.scope() + ".signin", "locked", client, Map.of()));
                return Optional.empty();
            }
            if (decision instanceof ThrottleDecision.Delay delay) {
                try {
                    Thread.sleep(delay.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            Optional<EmailAddress> address = Logins.parse(login);
            Instant now = clock.instant();
            // Read in one short transaction; the slow password hash runs outside it, so sign-ins
            // never hold the database while hashing.
            Optional<Account> account = address.flatMap(a -> store.inTransaction(tx -> tx.users().byLogin(system, a)
                    .map(u -> snapshot(tx, u))));
            Optional<Result> result = account.map(a -> check(a, protocol, secret, now));
            result.filter(r -> r.credential() != null)
                    .ifPresent(r -> store.inTransaction(tx -> {
                        tx.credentials().touch(system, r.credential().id(), now);
                        return null;
                    }));
            if (result.isEmpty()) {
                dummy.spend(secret);
                throttle.failure(throttleLogin, client.ip());
                audit.record(AuditEvents.anonymous(protocol.scope() + ".signin", "failure", client,
                        Map.of("reason", "unknown-login")));
                SECURITY.info("event={}.signin_failed ip={}", protocol.scope(), client.ip());
                return Optional.empty();
            }
            Result r = result.get();
            if (r.method() == null) {
                throttle.failure(throttleLogin, client.ip());
                audit.record(AuditEvents.self(r.user(), protocol.scope() + ".signin", "failure", client,
                        Map.of("reason", r.reason())));
                SECURITY.info("event={}.signin_failed user={} ip={}", protocol.scope(), r.user().id(), client.ip());
                return Optional.empty();
            }
            throttle.success(throttleLogin, client.ip());
            audit.record(AuditEvents.self(r.user(), protocol.scope() + ".signin", "success", client,
                    Map.of("method", r.method())));
            User u = r.user();
            return Optional.of(new Caller.User(u.tenantId(), u.id(), u.role()));
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** What the check needs, read in one transaction. */
    private record Account(User user, List<Credential> appPasswords, boolean needsSecondFactor, boolean verified) {}

    /** method is null on failure, with the reason. */
    private record Result(User user, String method, String reason, Credential credential) {}

    private Account snapshot(Repositories tx, User user) {
        boolean needsSecondFactor = secondFactor.enrolled(tx, system, user) || SecondFactor.mandatory(tx, system, user);
        return new Account(user, tx.credentials().listUnrevoked(system, user.id(), CredentialKind.APP_PASSWORD),
                needsSecondFactor, tx.securitySettings().account(system, user.tenantId(), user.id()).emailVerified());
    }

    private Result check(Account account, Protocol protocol, char[] secret, Instant now) {
        User user = account.user();
        byte[] presented = OpaqueSecrets.hashGrouped(new String(secret));
        Credential matched = null;
        for (Credential c : account.appPasswords()) {
            // Compare with every one, so the time does not say which (or whether one) matched.
            if (OpaqueSecrets.matches(presented, c.secretHash()) && c.usableAt(now)
                    && c.scopes().contains(protocol.scope())) {
                matched = c;
            }
        }
        // Always paid for, so an app-password sign-in takes as long as a password one.
        boolean passwordOk = hasher.verify(secret, user.passwordHash());
        if (user.disabled()) {
            return new Result(user, null, "disabled", null);
        }
        if (matched != null) {
            return new Result(user, "app-password", null, matched);
        }
        if (!passwordOk) {
            return new Result(user, null, "password", null);
        }
        if (account.needsSecondFactor()) {
            return new Result(user, null, "account-password-with-mfa", null);
        }
        if (!account.verified()) {
            return new Result(user, null, "unverified", null);
        }
        return new Result(user, "password", null, null);
    }

}

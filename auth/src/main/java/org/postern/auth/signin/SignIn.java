package org.postern.auth.signin;

import java.time.Clock;
import java.time.Duration;
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
import org.postern.auth.throttle.SignInThrottle;
import org.postern.auth.throttle.ThrottleDecision;
import org.postern.crypto.PasswordHasher;
import org.postern.model.AccessDeniedException;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.store.MetadataStore;
import org.postern.store.User;
import org.postern.store.identity.AuthSession;
import org.postern.store.identity.CodePurpose;
import org.postern.store.identity.OneTimeCode;
import org.postern.store.identity.RefreshToken;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.SessionLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive sign-in (password, then a TOTP or recovery code when enrolled) and refresh-token
 * rotation.
 *
 * <p>SECURITY: exposed to anyone who can reach the API, before authentication. Failures are
 * counted per (account, source IP) and per source IP before the password is checked; every
 * refusal looks the same, and an unknown login costs a password hash like a known one. A
 * refresh token works once: presenting a spent one means it was copied, and the whole session is
 * revoked.
 */
public final class SignIn {
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");

    private final MetadataStore store;
    private final Scope system;
    private final PasswordHasher hasher;
    private final TimingEqualiser dummy;
    private final SignInThrottle throttle;
    private final SecondFactor secondFactor;
    private final SessionIssuer issuer;
    private final RiskAssessor risk;
    private final SessionStatus sessionStatus;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final Clock clock;

    public SignIn(MetadataStore store, AccessPolicy policy, PasswordHasher hasher, SignInThrottle throttle,
            SecondFactor secondFactor, SessionIssuer issuer, RiskAssessor risk, SessionStatus sessionStatus,
            AuditLog audit, AuthSettings settings, Clock clock) {
        this.store = store;
        this.system = policy.scopeFor(new Caller.System("sign-in"));
        this.hasher = hasher;
        this.dummy = new TimingEqualiser(hasher);
        this.throttle = throttle;
        this.secondFactor = secondFactor;
        this.issuer = issuer;
        this.risk = risk;
        this.sessionStatus = sessionStatus;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    /** The first step. The password array is wiped. */
    public SignInResult withPassword(String login, char[] password, ClientInfo client) {
        try {
            String throttleLogin = Logins.throttleKey(login);
            switch (throttle.check(throttleLogin, client.ip())) {
                case ThrottleDecision.Locked locked -> {
                    dummy.spend(password);
                    audit.record(AuditEvents.anonymous("signin", "locked", client, Map.of("login_domain", domainOf(login))));
                    SECURITY.warn("event=signin.locked ip={}", client.ip());
                    return new SignInResult.Refused();
                }
                case ThrottleDecision.Delay delay -> sleep(delay.delay());
                case ThrottleDecision.Allow allow -> { }
            }
            Optional<User> user = Logins.parse(login).flatMap(l -> store.inTransaction(tx -> tx.users().byLogin(system, l)));
            boolean passwordOk = hasher.verify(password, user.map(User::passwordHash).orElseGet(dummy::hash));
            if (user.isEmpty() || !passwordOk || user.get().disabled()) {
                throttle.failure(throttleLogin, client.ip());
                if (user.isPresent()) {
                    audit.record(AuditEvents.self(user.get(), "signin", "failure", client,
                            Map.of("reason", user.get().disabled() && passwordOk ? "disabled" : "password")));
                } else {
                    audit.record(AuditEvents.anonymous("signin", "failure", client,
                            Map.of("reason", "unknown-login", "login_domain", domainOf(login))));
                }
                SECURITY.info("event=signin.failed ip={}", client.ip());
                return new SignInResult.Refused();
            }
            SignInResult result = afterPassword(user.get(), client);
            // Only a finished sign-in forgets the pair's failures: clearing them when a second
            // factor is still due would let a password thief guess codes without ever locking.
            if (result instanceof SignInResult.SignedIn) {
                throttle.success(throttleLogin, client.ip());
            }
            return result;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    private SignInResult afterPassword(User user, ClientInfo client) {
        Instant now = clock.instant();
        return store.inTransaction(tx -> {
            boolean enrolled = secondFactor.enrolled(tx, system, user);
            RiskAssessor.Risk found = risk.assess(tx, system, user, client, now);
            RiskMode mode = tx.securitySettings().tenant(system, user.tenantId()).riskMode();
            if (found.risky() && mode != RiskMode.OFF) {
                boolean refuse = mode == RiskMode.ENFORCED && !enrolled;
                audit.record(tx, AuditEvents.self(user, "signin.risk", refuse ? "denied" : "allowed", client,
                        found.details()));
                if (refuse) {
                    SECURITY.warn("event=signin.risk_refused user={} ip={}", user.id(), client.ip());
                    return new SignInResult.Refused();
                }
            }
            if (enrolled) {
                String challenge = OpaqueSecrets.refreshToken();
                tx.oneTimeCodes().create(system, new OneTimeCode(UUID.randomUUID(), user.tenantId(), user.id(),
                        CodePurpose.MFA_CHALLENGE, OpaqueSecrets.hash(challenge), now,
                        now.plus(settings.mfaChallengeLifetime()), Optional.empty(), 0));
                audit.record(tx, AuditEvents.self(user, "signin.password", "success", client, Map.of("next", "totp")));
                return new SignInResult.SecondFactorRequired(challenge);
            }
            return complete(tx, user, false, client, now);
        });
    }

    /** The second step: the challenge from the first, and a TOTP or recovery code. */
    public SignInResult withSecondFactor(String challenge, String code, ClientInfo client) {
        if (challenge == null || challenge.length() > 128) {
            return new SignInResult.Refused();
        }
        Instant now = clock.instant();
        byte[] challengeHash = OpaqueSecrets.hash(challenge);
        record Outcome(SignInResult result, Optional<User> failedUser, Optional<User> signedIn) {}
        Outcome outcome = store.inTransaction(tx -> {
            Optional<OneTimeCode> found = tx.oneTimeCodes().byHash(system, CodePurpose.MFA_CHALLENGE, challengeHash)
                    .filter(c -> c.usableAt(now));
            if (found.isEmpty()) {
                return new Outcome(new SignInResult.Refused(), Optional.empty(), Optional.empty());
            }
            OneTimeCode c = found.get();
            Optional<User> user = tx.users().byId(system, c.userId()).filter(u -> !u.disabled());
            if (user.isEmpty()) {
                return new Outcome(new SignInResult.Refused(), Optional.empty(), Optional.empty());
            }
            if (!secondFactor.verifyAndUse(tx, system, user.get(), code, now)) {
                if (tx.oneTimeCodes().countAttempt(system, c.id()) >= settings.maxCodeAttempts()) {
                    tx.oneTimeCodes().markUsed(system, c.id(), now);
                }
                audit.record(tx, AuditEvents.self(user.get(), "signin.totp", "failure", client, Map.of()));
                return new Outcome(new SignInResult.Refused(), user, Optional.empty());
            }
            if (!tx.oneTimeCodes().markUsed(system, c.id(), now)) {
                return new Outcome(new SignInResult.Refused(), Optional.empty(), Optional.empty());
            }
            return new Outcome(complete(tx, user.get(), true, client, now), Optional.empty(), user);
        });
        outcome.failedUser().ifPresent(u -> throttle.failure(u.login().toString(), client.ip()));
        outcome.signedIn().ifPresent(u -> throttle.success(u.login().toString(), client.ip()));
        return outcome.result();
    }

    private SignInResult complete(org.postern.store.Repositories tx, User user, boolean totpUsed, ClientInfo client,
            Instant now) {
        SessionLevel level = issuer.levelFor(tx, system, user, totpUsed);
        TokenPair tokens = issuer.open(tx, system, user, level, client);
        risk.remember(tx, system, user, client, now);
        audit.record(tx, AuditEvents.self(user, "signin", "success", client,
                Map.of("session", tokens.sessionId().toString(), "level", level.name().toLowerCase(java.util.Locale.ROOT),
                        "mfa", Boolean.toString(totpUsed))));
        return new SignInResult.SignedIn(tokens);
    }

    /**
     * Exchanges a refresh token for a new pair. A token that was already used revokes its whole
     * session (someone else has a copy), and is refused.
     *
     * @throws AccessDeniedException for any token that is not a live, unused one
     */
    public TokenPair refresh(String refreshToken, ClientInfo client) {
        if (refreshToken == null || refreshToken.length() > 128) {
            throw new AccessDeniedException("refresh token refused");
        }
        Instant now = clock.instant();
        byte[] hash = OpaqueSecrets.hash(refreshToken);
        record Outcome(TokenPair tokens, String refusal, Optional<AuthSession> revoked) {}
        Outcome outcome = store.inTransaction(tx -> {
            Optional<RefreshToken> token = tx.sessions().refreshTokenByHash(system, hash);
            if (token.isEmpty()) {
                return new Outcome(null, "unknown", Optional.empty());
            }
            RefreshToken t = token.get();
            Optional<AuthSession> session = tx.sessions().byId(system, t.sessionId());
            Optional<User> user = tx.users().byId(system, t.userId()).filter(u -> !u.disabled());
            if (session.isEmpty() || user.isEmpty()) {
                return new Outcome(null, "no-session", Optional.empty());
            }
            if (t.usedAt().isPresent() || !tx.sessions().markRefreshTokenUsed(system, hash, now)) {
                boolean revokedNow = tx.sessions().revoke(system, t.sessionId(), now, "refresh-token-reuse");
                audit.record(tx, AuditEvents.self(user.get(), "token.reuse", "denied", client,
                        Map.of("session", t.sessionId().toString(), "revoked", Boolean.toString(revokedNow))));
                return new Outcome(null, "reused", session);
            }
            if (!session.get().activeAt(now) || !now.isBefore(t.expiresAt())) {
                return new Outcome(null, "expired", Optional.empty());
            }
            tx.sessions().touch(system, t.sessionId(), now, client.ip());
            // The session keeps the level it was opened at only while the account still earns it:
            // a tenant that starts requiring MFA, or a promotion to admin, restricts a session
            // without TOTP to enrolment at its next refresh instead of at its end (up to
            // sessionLifetime later). Refreshing never lifts a restriction.
            AuthSession s = session.get();
            SessionLevel earned = issuer.levelFor(tx, system, user.get(), secondFactor.enrolled(tx, system, user.get()));
            if (earned.compareTo(s.level()) > 0) {
                s = new AuthSession(s.id(), s.tenantId(), s.userId(), earned, s.device(), s.ip(), s.createdAt(),
                        s.lastSeenAt(), s.expiresAt(), s.revokedAt(), s.revokedReason());
            }
            return new Outcome(issuer.mint(tx, system, s, user.get()), null, Optional.empty());
        });
        outcome.revoked().ifPresent(s -> {
            sessionStatus.forget(s.id());
            SECURITY.warn("event=token.reuse session={} user={} ip={}", s.id(), s.userId(), client.ip());
        });
        if (outcome.tokens() == null) {
            SECURITY.info("event=token.refresh_refused reason={} ip={}", outcome.refusal(), client.ip());
            throw new AccessDeniedException("refresh token refused");
        }
        return outcome.tokens();
    }


    private static String domainOf(String login) {
        return Logins.parse(login).map(l -> l.domain().toString()).orElse("-");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

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
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SecondFactor;
import org.postern.auth.signin.SessionIssuer;
import org.postern.auth.signin.SessionStatus;
import org.postern.auth.signin.TokenPair;
import org.postern.model.AccessDeniedException;
import org.postern.model.EmailAddress;
import org.postern.model.NotFoundException;
import org.postern.store.MetadataStore;
import org.postern.store.Repositories;
import org.postern.store.User;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.CodePurpose;
import org.postern.store.identity.OneTimeCode;
import org.postern.store.identity.SessionLevel;

/**
 * Proves that an invited user reads the address they gave: a short code sent there, valid for
 * minutes and a few guesses. Until then their session may do nothing else.
 */
public final class EmailVerification {
    private final MetadataStore store;
    private final AccessPolicy policy;
    private final Notifier notifier;
    private final SessionIssuer issuer;
    private final SessionStatus sessionStatus;
    private final SecondFactor secondFactor;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final ShortCodes codes;
    private final Clock clock;

    public EmailVerification(MetadataStore store, AccessPolicy policy, Notifier notifier, SessionIssuer issuer,
            SessionStatus sessionStatus, SecondFactor secondFactor, AuditLog audit, AuthSettings settings,
            ShortCodes codes, Clock clock) {
        this.codes = codes;
        this.store = store;
        this.policy = policy;
        this.notifier = notifier;
        this.issuer = issuer;
        this.sessionStatus = sessionStatus;
        this.secondFactor = secondFactor;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    /** Creates a fresh code (voiding earlier ones) and sends it, inside the caller's transaction. */
    void sendCode(Repositories tx, User user, EmailAddress to) {
        Instant now = clock.instant();
        String code = OpaqueSecrets.emailCode();
        tx.oneTimeCodes().create(system(), new OneTimeCode(UUID.randomUUID(), user.tenantId(), user.id(),
                CodePurpose.VERIFY_EMAIL, codes.hash(code), now, now.plus(settings.emailCodeLifetime()),
                Optional.empty(), 0));
        notifier.send(tx, user, to, "verify-email", "Confirm your address for Postern",
                "Your Postern verification code is " + code + ". It expires in "
                        + settings.emailCodeLifetime().toMinutes() + " minutes.");
    }

    /** Sends a new code to the account's own address. */
    public void resend(Principal principal, ClientInfo client) {
        principal.requireSessionAt(SessionLevel.VERIFY_EMAIL);
        store.inTransaction(tx -> {
            User user = user(tx, principal);
            AccountSecurity account = tx.securitySettings().account(system(), user.tenantId(), user.id());
            if (account.emailVerified() || account.recoveryAddress().isEmpty()) {
                return null;
            }
            Instant now = clock.instant();
            if (tx.oneTimeCodes().latestUsable(system(), user.id(), CodePurpose.VERIFY_EMAIL, now)
                    .filter(c -> c.createdAt().plus(AccountRecovery.RESEND_INTERVAL).isAfter(now)).isPresent()) {
                audit.record(tx, AuditEvents.self(user, "email.verify.resend", "failure", client, Map.of("reason", "too-soon")));
                return null;
            }
            sendCode(tx, user, account.recoveryAddress().get());
            audit.record(tx, AuditEvents.self(user, "email.verify.resend", "success", client, Map.of()));
            return null;
        });
    }

    /**
     * Checks the code; on success the address counts as verified, the restricted session ends and
     * a new one at the level the account now earns is returned.
     *
     * @throws AccessDeniedException for a wrong, used or expired code
     */
    public TokenPair verify(Principal principal, String code, ClientInfo client) {
        principal.requireSessionAt(SessionLevel.VERIFY_EMAIL);
        Instant now = clock.instant();
        record Outcome(TokenPair tokens, boolean ok) {}
        Outcome outcome = store.inTransaction(tx -> {
            User user = user(tx, principal);
            AccountSecurity account = tx.securitySettings().account(system(), user.tenantId(), user.id());
            Optional<OneTimeCode> pending = tx.oneTimeCodes().latestUsable(system(), user.id(), CodePurpose.VERIFY_EMAIL, now);
            if (account.emailVerified()) {
                return new Outcome(null, false);
            }
            if (pending.isEmpty()) {
                // Expired, used up or voided: still a failed attempt, and recorded like one.
                audit.record(tx, AuditEvents.self(user, "email.verify", "failure", client, Map.of("reason", "no-code")));
                return new Outcome(null, false);
            }
            OneTimeCode c = pending.get();
            if (code == null || code.length() > 32 || !OpaqueSecrets.matches(codes.hash(code), c.codeHash())) {
                if (tx.oneTimeCodes().countAttempt(system(), c.id()) >= settings.maxCodeAttempts()) {
                    tx.oneTimeCodes().markUsed(system(), c.id(), now);
                }
                audit.record(tx, AuditEvents.self(user, "email.verify", "failure", client, Map.of("reason", "code")));
                return new Outcome(null, false);
            }
            tx.oneTimeCodes().markUsed(system(), c.id(), now);
            tx.securitySettings().saveAccount(system(), new AccountSecurity(user.id(), user.tenantId(),
                    account.recoveryAddress(), true, account.passwordChangedAt()));
            principal.session().ifPresent(s -> tx.sessions().revoke(system(), s, now, "upgraded"));
            SessionLevel level = issuer.levelFor(tx, system(), user, secondFactor.enrolled(tx, system(), user));
            TokenPair tokens = issuer.open(tx, system(), user, level, client);
            audit.record(tx, AuditEvents.self(user, "email.verify", "success", client, Map.of()));
            return new Outcome(tokens, true);
        });
        principal.session().ifPresent(sessionStatus::forget);
        if (!outcome.ok()) {
            throw new AccessDeniedException("code not valid");
        }
        return outcome.tokens();
    }

    private User user(Repositories tx, Principal principal) {
        return tx.users().byId(system(), principal.caller().userId())
                .orElseThrow(() -> new NotFoundException("no such user"));
    }

    private Scope system() {
        return policy.scopeFor(new Caller.System("email-verification"));
    }
}

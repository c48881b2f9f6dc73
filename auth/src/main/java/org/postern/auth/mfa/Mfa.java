package org.postern.auth.mfa;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.account.Notifier;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SecondFactor;
import org.postern.auth.signin.SessionIssuer;
import org.postern.auth.signin.SessionStatus;
import org.postern.auth.signin.TokenPair;
import org.postern.auth.totp.Totp;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.NotFoundException;
import org.postern.model.UserId;
import org.postern.store.MetadataStore;
import org.postern.store.Repositories;
import org.postern.store.User;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.SessionLevel;
import org.postern.store.identity.TotpEnrolment;

/**
 * TOTP enrolment (RFC 6238) and its recovery codes, for the signed-in user; and the
 * admin-approved reset for a user who lost both their authenticator and their codes.
 * Admins, and users of a tenant that requires MFA, cannot turn it off.
 */
public final class Mfa {
    public static final int RECOVERY_CODES = 10;
    static final String ISSUER = "Postern";

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final SecondFactor secondFactor;
    private final SessionIssuer issuer;
    private final SessionStatus sessionStatus;
    private final Notifier notifier;
    private final AuditLog audit;
    private final Clock clock;

    public Mfa(MetadataStore store, AccessPolicy policy, SecondFactor secondFactor, SessionIssuer issuer,
            SessionStatus sessionStatus, Notifier notifier, AuditLog audit, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.secondFactor = secondFactor;
        this.issuer = issuer;
        this.sessionStatus = sessionStatus;
        this.notifier = notifier;
        this.audit = audit;
        this.clock = clock;
    }

    /** Starts (or restarts) enrolment: a new secret, not yet in force until {@link #confirm}. */
    public TotpSetup begin(Principal principal, ClientInfo client) {
        principal.requireSessionAt(SessionLevel.ENROL_MFA);
        byte[] secret = Totp.newSecret();
        return store.inTransaction(tx -> {
            User user = user(tx, principal.caller().userId());
            if (secondFactor.enrolled(tx, system(), user)) {
                throw new ConflictException("TOTP is already enrolled");
            }
            tx.mfa().saveUnconfirmed(system(), new TotpEnrolment(user.id(), user.tenantId(),
                    secondFactor.seal(tx, user, secret), clock.instant(), Optional.empty(), 0));
            audit.record(tx, AuditEvents.self(user, "mfa.enrol.start", "success", client, Map.of()));
            String uri = Totp.otpauthUri(ISSUER, user.login().toString(), secret);
            return new TotpSetup(Totp.base32(secret), uri);
        });
    }

    /**
     * Confirms enrolment with the first code from the app. Returns recovery codes and a new full
     * session; the session that enrolled ends.
     *
     * @throws AccessDeniedException if the code is wrong
     */
    public MfaConfirmed confirm(Principal principal, String code, ClientInfo client) {
        principal.requireSessionAt(SessionLevel.ENROL_MFA);
        Instant now = clock.instant();
        MfaConfirmed confirmed = store.inTransaction(tx -> {
            User user = user(tx, principal.caller().userId());
            TotpEnrolment pending = tx.mfa().totp(system(), user.id()).filter(e -> !e.confirmed())
                    .orElseThrow(() -> new NotFoundException("no enrolment in progress"));
            OptionalLong step = secondFactor.matchingStep(tx, user, pending, code == null ? "" : code.strip());
            if (step.isEmpty() || !tx.mfa().confirm(system(), user.id(), now, step.getAsLong())) {
                audit.record(tx, AuditEvents.self(user, "mfa.enrol", "failure", client, Map.of()));
                return null;
            }
            List<String> codes = newRecoveryCodes(tx, user, now);
            principal.session().ifPresent(s -> tx.sessions().revoke(system(), s, now, "mfa-enrolled"));
            TokenPair tokens = issuer.open(tx, system(), user, issuer.levelFor(tx, system(), user, true), client);
            audit.record(tx, AuditEvents.self(user, "mfa.enrol", "success", client, Map.of()));
            notice(tx, user, "Two-step sign-in turned on",
                    "TOTP two-step sign-in was turned on for " + user.login() + ".");
            return new MfaConfirmed(codes, tokens);
        });
        principal.session().ifPresent(sessionStatus::forget);
        if (confirmed == null) {
            throw new AccessDeniedException("code not valid");
        }
        return confirmed;
    }

    /** Replaces the recovery codes; needs a current TOTP code or an unused recovery code. */
    public List<String> regenerateRecoveryCodes(Principal principal, String code, ClientInfo client) {
        principal.requireFullSession();
        Instant now = clock.instant();
        List<String> codes = store.inTransaction(tx -> {
            User user = user(tx, principal.caller().userId());
            if (!secondFactor.verifyAndUse(tx, system(), user, code, now)) {
                audit.record(tx, AuditEvents.self(user, "mfa.recovery_codes", "failure", client, Map.of()));
                return null;
            }
            List<String> fresh = newRecoveryCodes(tx, user, now);
            audit.record(tx, AuditEvents.self(user, "mfa.recovery_codes", "success", client, Map.of()));
            return fresh;
        });
        if (codes == null) {
            throw new AccessDeniedException("code not valid");
        }
        return codes;
    }

    /** Turns TOTP off; needs a current TOTP code or an unused recovery code; refused where MFA is mandatory. */
    public void disable(Principal principal, String code, ClientInfo client) {
        principal.requireFullSession();
        Instant now = clock.instant();
        enum Outcome { DONE, WRONG_CODE, MANDATORY }
        // Refusals are returned, not thrown, so their audit entries commit.
        Outcome outcome = store.inTransaction(tx -> {
            User user = user(tx, principal.caller().userId());
            if (SecondFactor.mandatory(tx, system(), user)) {
                audit.record(tx, AuditEvents.self(user, "mfa.disable", "denied", client, Map.of("reason", "mandatory")));
                return Outcome.MANDATORY;
            }
            if (!secondFactor.verifyAndUse(tx, system(), user, code, now)) {
                audit.record(tx, AuditEvents.self(user, "mfa.disable", "failure", client, Map.of()));
                return Outcome.WRONG_CODE;
            }
            tx.mfa().delete(system(), user.id());
            audit.record(tx, AuditEvents.self(user, "mfa.disable", "success", client, Map.of()));
            notice(tx, user, "Two-step sign-in turned off", "TOTP two-step sign-in was turned off for "
                    + user.login() + ". If this was not you, change your password and contact your administrator.");
            return Outcome.DONE;
        });
        switch (outcome) {
            case MANDATORY -> throw new AccessDeniedException("two-step sign-in is mandatory for this account");
            case WRONG_CODE -> throw new AccessDeniedException("code not valid");
            case DONE -> { }
        }
    }

    /** Whether the user has confirmed TOTP, and how many recovery codes remain. */
    public record Status(boolean enrolled, int recoveryCodesLeft) {}

    public Status status(Principal principal) {
        return store.inTransaction(tx -> {
            User user = user(tx, principal.caller().userId());
            boolean enrolled = secondFactor.enrolled(tx, system(), user);
            return new Status(enrolled, enrolled ? tx.mfa().unusedRecoveryCodes(system(), user.id()) : 0);
        });
    }

    /**
     * The admin-approved path for a user who lost their second factor: removes it and ends the
     * user's sessions; at next sign-in they enrol again. Only an admin of the user's tenant whose
     * role is not below the user's (or the operator) may do it; it is audited and the user is told.
     */
    public void adminReset(Caller admin, UserId target, ClientInfo client) {
        Instant now = clock.instant();
        store.inTransaction(tx -> {
            User user = tx.users().byId(policy.scopeFor(admin), target)
                    .orElseThrow(() -> new NotFoundException("no such user"));
            policy.tenantScope(admin, user.tenantId());
            if (admin instanceof Caller.User u && u.userId().equals(target)) {
                throw new AccessDeniedException("an admin cannot reset their own second factor");
            }
            // Removing a server admin's TOTP lets whoever holds their password enrol a new one:
            // that is a server-wide power, not a tenant admin's.
            if (admin instanceof Caller.User u && user.role().compareTo(u.role()) > 0) {
                throw new AccessDeniedException("cannot reset the second factor of a higher role");
            }
            boolean removed = tx.mfa().delete(system(), user.id());
            int ended = tx.sessions().revokeAllOf(system(), user.id(), now, "mfa-reset");
            int credentials = tx.credentials().revokeAllOf(system(), user.id(), now);
            audit.record(tx, AuditEvents.about(user, AuditEvents.actor(admin), "mfa.reset", "success", client,
                    Map.of("removed", Boolean.toString(removed), "sessions_ended", Integer.toString(ended),
                            "credentials_revoked", Integer.toString(credentials))));
            notice(tx, user, "Two-step sign-in was reset by an administrator",
                    "An administrator removed the two-step sign-in of " + user.login()
                            + ". Set it up again at your next sign-in.");
            return null;
        });
        sessionStatus.forgetUser(target);
    }

    private List<String> newRecoveryCodes(Repositories tx, User user, Instant now) {
        List<String> codes = new ArrayList<>(RECOVERY_CODES);
        List<byte[]> hashes = new ArrayList<>(RECOVERY_CODES);
        for (int i = 0; i < RECOVERY_CODES; i++) {
            String code = OpaqueSecrets.recoveryCode();
            codes.add(code);
            hashes.add(OpaqueSecrets.hashGrouped(code));
        }
        tx.mfa().replaceRecoveryCodes(system(), user.id(), hashes, now);
        return codes;
    }

    private void notice(Repositories tx, User user, String subject, String body) {
        AccountSecurity account = tx.securitySettings().account(system(), user.tenantId(), user.id());
        notifier.send(tx, user, account.recoveryAddress().filter(a -> account.emailVerified()).orElse(user.login()),
                "security-notice", subject, body);
    }

    private User user(Repositories tx, UserId id) {
        return tx.users().byId(system(), id).orElseThrow(() -> new NotFoundException("no such user"));
    }

    private Scope system() {
        return policy.scopeFor(new Caller.System("mfa"));
    }
}

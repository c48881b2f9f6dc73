package org.postern.auth.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.auth.totp.Totp;
import org.postern.model.AccessDeniedException;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.SessionLevel;

/** Interactive sign-in: password, second factor, and the level a session earns. */
class SignInTest extends IdentityFixture {
    private static final SignInResult REFUSED = new SignInResult.Refused();

    @Test
    void unknownLoginWrongPasswordDisabledUserAndLockedPairAllGetTheSameRefusal() {
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        directory.setDisabled(operator, bob.user().login(), true);

        assertThat(signIn("ghost@example.org", alice.password(), HOME)).isEqualTo(REFUSED);
        assertThat(signIn("not an address", alice.password(), HOME)).isEqualTo(REFUSED);
        assertThat(signIn(alice.login(), secret("wrong password, long enough"), HOME)).isEqualTo(REFUSED);
        assertThat(signIn(bob, HOME)).as("disabled, right password").isEqualTo(REFUSED);

        AuditEntry unknown = audit("signin", "failure").get(0);
        assertThat(unknown.subject()).isEmpty();
        assertThat(unknown.actor()).isEqualTo("anonymous");
        assertThat(details(unknown)).containsEntry("reason", "unknown-login").containsEntry("login_domain", "example.org");
        AuditEntry wrong = audit("signin", "failure").get(2);
        assertThat(wrong.subject()).contains(alice.user().id());
        assertThat(wrong.actor()).isEqualTo(actor(alice));
        assertThat(wrong.ip()).isEqualTo(HOME.ip());
        assertThat(details(wrong)).containsEntry("reason", "password");
        AuditEntry disabled = audit("signin", "failure").get(3);
        assertThat(disabled.subject()).contains(bob.user().id());
        assertThat(details(disabled)).containsEntry("reason", "disabled");

        // The attacker's address guesses until the (alice, attacker) pair locks; then even her password fails there.
        for (int i = 0; i < LOCK_AFTER; i++) {
            assertThat(signIn(alice.login(), secret("guess number " + i + " of many"), ATTACKER)).isEqualTo(REFUSED);
        }
        assertThat(signIn(alice, ATTACKER)).as("locked pair, right password").isEqualTo(REFUSED);
        AuditEntry locked = lastAudit("signin");
        assertThat(locked.outcome()).isEqualTo("locked");
        assertThat(locked.actor()).isEqualTo("anonymous");
        assertThat(locked.ip()).isEqualTo(ATTACKER.ip());
        // Alice's own device is not locked out by the attacker.
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
        // Nor does the lock outlive its time.
        clock.advance(THROTTLE.lockFor().plusSeconds(1));
        assertThat(signIn(alice, ATTACKER)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void everySpellingOfALoginCountsAgainstTheSamePair() {
        Account alice = user("alice@example.org");
        // Case and surrounding white space name the same account, so they must not buy fresh guesses.
        List<String> spellings = List.of("alice@example.org", " alice@example.org", "ALICE@example.org",
                "alice@EXAMPLE.ORG\t", "\u2003Alice@Example.Org");
        for (String login : spellings) {
            assertThat(signIn(login, secret("a wrong guess of length"), ATTACKER)).isEqualTo(REFUSED);
        }
        assertThat(signIn(" Alice@example.org ", alice.password(), ATTACKER)).as("the pair is locked").isEqualTo(REFUSED);
        assertThat(lastAudit("signin").outcome()).isEqualTo("locked");
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void aPasswordSignInOpensAFullSessionAndAuditsIt() {
        Account alice = user("alice@example.org");
        SignInResult r = signIn(alice, HOME);
        assertThat(r).isInstanceOf(SignInResult.SignedIn.class);
        var tokens = ((SignInResult.SignedIn) r).tokens();
        assertThat(tokens.level()).isEqualTo(SessionLevel.FULL);
        Principal p = principal(tokens);
        assertThat(p.caller().userId()).isEqualTo(alice.user().id());
        assertThat(p.session()).contains(tokens.sessionId());
        AuditEntry ok = lastAudit("signin");
        assertThat(ok.outcome()).isEqualTo("success");
        assertThat(ok.subject()).contains(alice.user().id());
        assertThat(ok.tenantId()).contains(alice.user().tenantId());
        assertThat(ok.actor()).isEqualTo(actor(alice));
        assertThat(ok.userAgent()).isEqualTo(HOME.userAgent());
        assertThat(details(ok)).containsEntry("session", tokens.sessionId().toString()).containsEntry("level", "full")
                .containsEntry("mfa", "false");
    }

    @Test
    void withTotpThePasswordAloneGivesOnlyAChallengeAndAReplayedCodeIsRefused() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        String enrolmentCode = e.phone().code();

        SignInResult first = signIn(alice, HOME);
        assertThat(first).isInstanceOf(SignInResult.SecondFactorRequired.class);
        assertThat(first.toString()).doesNotContain(((SignInResult.SecondFactorRequired) first).challenge());
        String challenge = ((SignInResult.SecondFactorRequired) first).challenge();
        assertThat(lastAudit("signin.password").outcome()).isEqualTo("success");
        // The code that confirmed enrolment is of a used step: refused, in the same step.
        assertThat(secondFactor(challenge, enrolmentCode, HOME)).isEqualTo(REFUSED);
        String fresh = e.phone().nextCode();
        SignInResult signedIn = secondFactor(challenge, fresh, HOME);
        assertThat(signedIn).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(details(lastAudit("signin"))).containsEntry("mfa", "true").containsEntry("level", "full");
        // Replayed in the same step on a new challenge: refused.
        String again = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        assertThat(secondFactor(again, fresh, HOME)).isEqualTo(REFUSED);
        // A used challenge is spent, even with a good code.
        assertThat(secondFactor(challenge, e.phone().nextCode(), HOME)).isEqualTo(REFUSED);
        assertThat(audit("signin.totp", "failure")).hasSize(2)
                .allSatisfy(a -> assertThat(a.subject()).contains(alice.user().id()));
    }

    @Test
    void anOlderStepIsRefusedAfterANewerOneWasUsed() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        clock.advance(Totp.STEP.multipliedBy(5));
        long now = totp.currentStep();
        // The window accepts now - 1 .. now + 1; use the newest first.
        String newer = e.phone().codeAt(now + 1);
        String older = e.phone().codeAt(now);
        String c1 = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        assertThat(secondFactor(c1, newer, HOME)).isInstanceOf(SignInResult.SignedIn.class);
        String c2 = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        assertThat(secondFactor(c2, older, HOME)).isEqualTo(REFUSED);
        assertThat(secondFactor(c2, e.phone().codeAt(now - 1), HOME)).isEqualTo(REFUSED);
        // A later step still works on the same challenge (two wrong tries are below the limit).
        clock.advance(Totp.STEP.multipliedBy(2));
        assertThat(secondFactor(c2, e.phone().code(), HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void theChallengeExpiresAfterTheMfaChallengeLifetime() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        String challenge = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        clock.advance(settings.mfaChallengeLifetime());
        assertThat(secondFactor(challenge, e.phone().code(), HOME)).as("at the lifetime").isEqualTo(REFUSED);

        String second = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        clock.advance(settings.mfaChallengeLifetime().minusSeconds(1));
        assertThat(secondFactor(second, e.phone().code(), HOME)).as("just inside").isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void theChallengeDiesAfterMaxCodeAttemptsWrongCodes() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        clock.advance(Totp.STEP.multipliedBy(3));
        String challenge = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        String right = e.phone().code();
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < settings.maxCodeAttempts(); i++) {
            assertThat(secondFactor(challenge, wrong, HOME)).isEqualTo(REFUSED);
        }
        assertThat(secondFactor(challenge, right, HOME)).as("voided after %d wrong codes", settings.maxCodeAttempts())
                .isEqualTo(REFUSED);
        assertThat(audit("signin.totp", "failure")).hasSize(settings.maxCodeAttempts());
        // The code was not used up by the void challenge: a fresh challenge takes it.
        String fresh = ((SignInResult.SecondFactorRequired) signIn(alice, PHONE)).challenge();
        assertThat(secondFactor(fresh, right, PHONE)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void wrongSecondFactorsCountTowardsTheLock() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        clock.advance(Totp.STEP.multipliedBy(3));
        // Each challenge allows a few guesses; the throttle bounds how many challenges a password thief gets.
        for (int i = 0; i < LOCK_AFTER; i++) {
            String c = ((SignInResult.SecondFactorRequired) signIn(alice, ATTACKER)).challenge();
            secondFactor(c, "000000".equals(e.phone().code()) ? "111111" : "000000", ATTACKER);
        }
        assertThat(signIn(alice, ATTACKER)).isEqualTo(REFUSED);
        assertThat(lastAudit("signin").outcome()).isEqualTo("locked");
    }

    @Test
    void aRecoveryCodeSignsInOnce() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        String code = e.recoveryCodes().get(3);
        String c1 = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        // Typed in capitals with spaces instead of dashes: the same code.
        assertThat(secondFactor(c1, code.toUpperCase(java.util.Locale.ROOT).replace('-', ' '), HOME))
                .isInstanceOf(SignInResult.SignedIn.class);
        String c2 = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        assertThat(secondFactor(c2, code, HOME)).isEqualTo(REFUSED);
        assertThat(identity.mfa().status(principal(e.tokens())).recoveryCodesLeft()).isEqualTo(9);
        assertThat(secondFactor(c2, e.recoveryCodes().get(4), HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void anAdminWithoutTotpGetsOnlyAnEnrolmentSession() {
        Account root = account("root@example.org", Role.SERVER_ADMIN);
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        for (Account admin : List.of(root, boss)) {
            var t = tokens(admin, HOME);
            assertThat(t.level()).isEqualTo(SessionLevel.ENROL_MFA);
            Principal p = principal(t);
            assertThat(p.level()).isEqualTo(SessionLevel.ENROL_MFA);
            assertThatThrownBy(p::requireFullSession).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> identity.sessions().list(p)).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> identity.credentials().createAppPassword(p, "mail", java.util.Set.of("imap"), HOME))
                    .isInstanceOf(AccessDeniedException.class);
            assertThat(details(lastAudit("signin"))).containsEntry("level", "enrol_mfa");
        }
        // Enrolment ends the restricted session and opens a full one.
        var restricted = tokens(boss, HOME);
        Enrolled e = enrol(boss);
        assertThat(e.tokens().level()).isEqualTo(SessionLevel.FULL);
        assertThat(principal(e.tokens()).level()).isEqualTo(SessionLevel.FULL);
        assertThat(principal(restricted).level()).as("another restricted session lives on").isEqualTo(SessionLevel.ENROL_MFA);
        assertThat(tokens(boss, e.phone(), HOME).level()).isEqualTo(SessionLevel.FULL);
    }

    @Test
    void aTenantRequiringMfaGivesAPlainUserOnlyAnEnrolmentSession() {
        Account alice = user("alice@example.org");
        Account gus = user("gus@other.test");
        tenantPolicy("acme", true, RiskMode.AUDIT);
        assertThat(tokens(alice, HOME).level()).isEqualTo(SessionLevel.ENROL_MFA);
        assertThat(tokens(gus, HOME).level()).as("another tenant is not affected").isEqualTo(SessionLevel.FULL);
        Enrolled e = enrol(alice);
        assertThat(tokens(alice, e.phone(), HOME).level()).isEqualTo(SessionLevel.FULL);
        AuditEntry policy = lastAudit("tenant.security_policy");
        assertThat(policy.actor()).isEqualTo("operator");
        assertThat(details(policy)).containsEntry("require_mfa", "true").containsEntry("was_require_mfa", "false");
    }

    @Test
    void anUnverifiedAccountGetsOnlyAVerificationSession() {
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        var t = tokens(carol, HOME);
        assertThat(t.level()).isEqualTo(SessionLevel.VERIFY_EMAIL);
        Principal p = principal(t);
        assertThatThrownBy(() -> identity.sessions().list(p)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> identity.mfa().begin(p, HOME)).isInstanceOf(AccessDeniedException.class);
        // An unverified admin must verify before anything, enrolment included.
        Account dave = invited("dave@example.org", Role.TENANT_ADMIN, "dave@home.example");
        assertThat(tokens(dave, HOME).level()).isEqualTo(SessionLevel.VERIFY_EMAIL);
        assertThat(directory.user(operator, EmailAddress.parse("dave@example.org"))).map(u -> u.role())
                .isEqualTo(Optional.of(Role.TENANT_ADMIN));
    }

    @Test
    void oversizedOrMissingChallengesAreRefused() {
        assertThat(identity.signIn().withSecondFactor(null, "123456", HOME)).isEqualTo(REFUSED);
        assertThat(identity.signIn().withSecondFactor("x".repeat(129), "123456", HOME)).isEqualTo(REFUSED);
        assertThat(identity.signIn().withSecondFactor("no-such-challenge", "123456", HOME)).isEqualTo(REFUSED);
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        String c = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        assertThat(secondFactor(c, null, HOME)).isEqualTo(REFUSED);
        assertThat(secondFactor(c, "9".repeat(65), HOME)).isEqualTo(REFUSED);
        assertThat(secondFactor(c, e.phone().nextCode(), HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }
}

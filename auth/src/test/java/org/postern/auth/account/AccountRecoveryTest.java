package org.postern.auth.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.postern.auth.Identity;
import org.postern.auth.IdentityFixture;
import org.postern.auth.signin.SignInResult;
import org.postern.auth.signin.TokenPair;
import org.postern.model.AccessDeniedException;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import org.postern.store.identity.AuditEntry;

/** "I forgot my password": a code to the verified recovery address; every session ends; TOTP stays. */
class AccountRecoveryTest extends IdentityFixture {
    private static final String NEW_PASSWORD = "a completely fresh passphrase 2026";

    private AccountRecovery recovery() {
        return identity.recovery();
    }

    /** An invited account whose recovery address is verified. */
    private Account verified(String login, String home) {
        Account a = invited(login, Role.USER, home);
        register(identity.emailVerification().verify(principal(tokens(a, HOME)), codeSentTo(home, "verify-email"), HOME));
        return a;
    }

    private void refused(Account a, String code) {
        refused(a, code, HOME);
    }

    private void refused(Account a, String code, org.postern.auth.signin.ClientInfo client) {
        assertThatThrownBy(() -> recovery().complete(a.login(), code, secret(NEW_PASSWORD).toCharArray(), client))
                .isInstanceOf(AccessDeniedException.class).hasMessage("recovery code not valid");
    }

    private static String wrong(String code) {
        return code.equals("00000000") ? "11111111" : "00000000";
    }

    @Test
    void startAnswersTheSameForEveryoneAndSendsOnlyToAVerifiedRecoveryAddress() {
        Account operatorMade = user("alice@example.org");
        Account unverified = invited("dave@example.org", Role.USER, "dave@home.example");
        Account disabled = verified("erin@example.org", "erin@home.example");
        directory.setDisabled(operator, disabled.user().login(), true);
        int before = outbox().size();

        for (String login : new String[] {"ghost@example.org", "not an address", null, "x".repeat(500),
                operatorMade.login(), unverified.login(), disabled.login()}) {
            recovery().start(login, ATTACKER);
        }
        assertThat(outbox()).as("nothing sent").hasSize(before);
        assertThat(audit("recovery.start", "success")).isEmpty();
        var failures = audit("recovery.start", "failure");
        assertThat(failures).hasSize(7);
        assertThat(failures.get(0).actor()).isEqualTo("anonymous");
        assertThat(failures.get(0).subject()).isEmpty();
        assertThat(details(failures.get(0))).containsEntry("reason", "unknown-login");
        AuditEntryCheck.of(failures.get(4)).about(operatorMade).detail("reason", "no-recovery-address");
        AuditEntryCheck.of(failures.get(5)).about(unverified).detail("reason", "no-recovery-address");
        assertThat(failures.get(6).subject()).as("a disabled account is as good as unknown").isEmpty();
    }

    @Test
    void completingResetsThePasswordEndsEverySessionAndKeepsTotp() {
        Account carol = verified("carol@example.org", "carol@home.example");
        Enrolled e = enrol(carol);
        TokenPair laptop = tokens(carol, e.phone(), HOME);
        TokenPair phone = tokens(carol, e.phone(), PHONE);
        Identity nodeB = newNode();
        nodeB.bearer().authenticate(laptop.accessToken());

        recovery().start(" Carol@Example.org ", HOME);
        AuditEntryCheck.of(lastAudit("recovery.start")).outcome("success").about(carol).from(HOME);
        String code = codeSentTo("carol@home.example", "recovery");
        recovery().complete(carol.login(), code, secret(NEW_PASSWORD).toCharArray(), HOME);

        AuditEntry done = lastAudit("recovery.complete");
        AuditEntryCheck.of(done).outcome("success").by(actor(carol)).about(carol).detail("sessions_ended", "4");
        for (TokenPair t : new TokenPair[] {laptop, phone, e.tokens()}) {
            assertThatThrownBy(() -> principal(t)).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> identity.signIn().refresh(t.refreshToken(), HOME))
                    .isInstanceOf(AccessDeniedException.class);
        }
        clock.advance(settings.sessionStatusMaxAge());
        assertThatThrownBy(() -> nodeB.bearer().authenticate(laptop.accessToken())).isInstanceOf(AccessDeniedException.class);

        assertThat(signIn(carol, HOME)).as("old password").isEqualTo(new SignInResult.Refused());
        assertThat(signIn(carol.login(), NEW_PASSWORD, HOME)).as("TOTP is still required")
                .isInstanceOf(SignInResult.SecondFactorRequired.class);
        assertThat(outbox("carol@home.example", "security-notice"))
                .anySatisfy(n -> assertThat(n.subject()).contains("password was reset"));
        // The code works once.
        refused(carol, code);
    }

    @Test
    void wrongCodesAreCountedAndVoidTheCodeAfterMaxCodeAttempts() {
        Account carol = verified("carol@example.org", "carol@home.example");
        recovery().start(carol.login(), HOME);
        String code = codeSentTo("carol@home.example", "recovery");
        for (int i = 0; i < settings.maxCodeAttempts(); i++) {
            refused(carol, wrong(code), ATTACKER);
        }
        assertThat(audit("recovery.complete", "failure")).hasSize(settings.maxCodeAttempts())
                .allSatisfy(e -> AuditEntryCheck.of(e).about(carol).detail("reason", "code"));
        // From another address (that one is now locked too): the code itself is void.
        refused(carol, code, HOME);
        AuditEntryCheck.of(lastAudit("recovery.complete")).outcome("failure").detail("reason", "no-code");
        assertThat(signIn(carol, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void anExpiredCodeIsRefused() {
        Account carol = verified("carol@example.org", "carol@home.example");
        recovery().start(carol.login(), HOME);
        String code = codeSentTo("carol@home.example", "recovery");
        clock.advance(settings.emailCodeLifetime());
        refused(carol, code);
        AuditEntryCheck.of(lastAudit("recovery.complete")).outcome("failure").detail("reason", "no-code");
        assertThat(signIn(carol, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void aNewStartVoidsTheEarlierCodeAndCodesAreBoundToTheirAccount() {
        Account carol = verified("carol@example.org", "carol@home.example");
        Account dave = verified("dave@example.org", "dave@home.example");
        recovery().start(carol.login(), HOME);
        String first = codeSentTo("carol@home.example", "recovery");
        clock.advance(java.time.Duration.ofSeconds(1));
        recovery().start(dave.login(), HOME);
        String davesCode = codeSentTo("dave@home.example", "recovery");
        if (!davesCode.equals(first)) {
            refused(carol, davesCode);
        }
        clock.advance(AccountRecovery.RESEND_INTERVAL);
        recovery().start(carol.login(), HOME);
        String second = codeSentTo("carol@home.example", "recovery");
        if (!second.equals(first)) {
            refused(carol, first);
        }
        recovery().complete(carol.login(), second, secret(NEW_PASSWORD).toCharArray(), HOME);
        assertThat(signIn(carol.login(), NEW_PASSWORD, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void aSecondStartWithinAMinuteSendsNothingNew() {
        Account carol = verified("carol@example.org", "carol@home.example");
        recovery().start(carol.login(), ATTACKER);
        int sent = outbox("carol@home.example", "recovery").size();
        clock.advance(java.time.Duration.ofSeconds(30));
        recovery().start(carol.login(), ATTACKER);
        assertThat(outbox("carol@home.example", "recovery")).hasSize(sent);
        assertThat(lastAudit("recovery.start").outcome()).isEqualTo("failure");
        clock.advance(java.time.Duration.ofSeconds(31));
        recovery().start(carol.login(), ATTACKER);
        assertThat(outbox("carol@home.example", "recovery")).hasSize(sent + 1);
    }

    @Test
    void aWeakNewPasswordIsRefusedWithoutSpendingTheCode() {
        Account carol = verified("carol@example.org", "carol@home.example");
        recovery().start(carol.login(), HOME);
        String code = codeSentTo("carol@home.example", "recovery");
        assertThatThrownBy(() -> recovery().complete(carol.login(), code, "password1234".toCharArray(), HOME))
                .isInstanceOf(InvalidInputException.class);
        recovery().complete(carol.login(), code, secret(NEW_PASSWORD).toCharArray(), HOME);
        assertThat(signIn(carol.login(), NEW_PASSWORD, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void codeGuessesAreThrottledLikeSignInsSoRestartingDoesNotBuyMoreGuesses() {
        Account carol = verified("carol@example.org", "carol@home.example");
        // Each start makes a fresh code with fresh attempts: without the throttle, start and guess
        // again, for ever. Failures count against (login, address) like sign-in failures.
        recovery().start(carol.login(), ATTACKER);
        String code = codeSentTo("carol@home.example", "recovery");
        for (int i = 0; i < LOCK_AFTER; i++) {
            assertThatThrownBy(() -> recovery().complete(carol.login(), wrong(code), secret(NEW_PASSWORD).toCharArray(),
                    ATTACKER)).isInstanceOf(AccessDeniedException.class);
        }
        clock.advance(AccountRecovery.RESEND_INTERVAL);
        recovery().start(carol.login(), ATTACKER);
        String fresh = codeSentTo("carol@home.example", "recovery");
        assertThatThrownBy(() -> recovery().complete(" CAROL@example.org", fresh, secret(NEW_PASSWORD).toCharArray(),
                ATTACKER)).as("locked, even with the right code").isInstanceOf(AccessDeniedException.class)
                .hasMessage("recovery code not valid");
        assertThat(lastAudit("recovery.complete").outcome()).isEqualTo("locked");
        assertThat(signIn(carol, ATTACKER)).as("the same lock as sign-in").isEqualTo(new SignInResult.Refused());
        // The owner, from her own address, is not locked out, and the code was not spent.
        recovery().complete(carol.login(), fresh, secret(NEW_PASSWORD).toCharArray(), HOME);
        assertThat(signIn(carol.login(), NEW_PASSWORD, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void anUnknownOrDisabledLoginGetsTheSameRefusalAndIsAudited() {
        Account erin = verified("erin@example.org", "erin@home.example");
        recovery().start(erin.login(), HOME);
        String code = codeSentTo("erin@home.example", "recovery");
        directory.setDisabled(operator, erin.user().login(), true);
        for (String login : new String[] {"ghost@example.org", "not an address", erin.login()}) {
            assertThatThrownBy(() -> recovery().complete(login, code, secret(NEW_PASSWORD).toCharArray(), HOME))
                    .isInstanceOf(AccessDeniedException.class).hasMessage("recovery code not valid");
            AuditEntry e = lastAudit("recovery.complete");
            assertThat(e.outcome()).isEqualTo("failure");
            assertThat(e.actor()).isEqualTo("anonymous");
            assertThat(e.subject()).isEmpty();
            assertThat(details(e)).containsEntry("reason", "unknown-login");
        }
        assertThat(audit("recovery.complete")).hasSize(3);
    }
}

package org.postern.auth.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.ProtocolAuthenticator.Protocol;
import org.postern.auth.signin.TokenPair;
import org.postern.model.AccessDeniedException;
import org.postern.model.Role;
import org.postern.store.identity.SessionLevel;

/** Proving the address given at sign-up: a short code, a few guesses, a few minutes. */
class EmailVerificationTest extends IdentityFixture {

    private EmailVerification verification() {
        return identity.emailVerification();
    }

    private void refused(Principal p, String code) {
        assertThatThrownBy(() -> verification().verify(p, code, HOME)).isInstanceOf(AccessDeniedException.class)
                .hasMessage("code not valid");
    }

    private static String wrong(String code) {
        return code.equals("00000000") ? "11111111" : "00000000";
    }

    @Test
    void theRightCodeEndsTheRestrictedSessionAndOpensAFullOne() {
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        TokenPair restricted = tokens(carol, HOME);
        Principal p = principal(restricted);
        String code = codeSentTo("carol@home.example", "verify-email");

        TokenPair full = register(verification().verify(p, code, HOME));
        assertThat(full.level()).isEqualTo(SessionLevel.FULL);
        assertThat(full.sessionId()).isNotEqualTo(restricted.sessionId());
        assertThat(principal(full).level()).isEqualTo(SessionLevel.FULL);
        assertThatThrownBy(() -> principal(restricted)).as("the restricted session ended")
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> identity.signIn().refresh(restricted.refreshToken(), HOME))
                .isInstanceOf(AccessDeniedException.class);
        AuditEntryCheck.of(lastAudit("email.verify")).outcome("success").by(actor(carol)).about(carol);
        assertThat(tokens(carol, HOME).level()).isEqualTo(SessionLevel.FULL);
        assertThat(identity.protocols().authenticate(Protocol.IMAP, carol.login(), carol.password().toCharArray(), HOME))
                .isPresent();
        // Used: not again.
        refused(principal(full), code);
    }

    @Test
    void wrongCodesAreCountedAndVoidTheCodeAfterMaxCodeAttempts() {
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        Principal p = principal(tokens(carol, HOME));
        String code = codeSentTo("carol@home.example", "verify-email");
        for (int i = 0; i < settings.maxCodeAttempts(); i++) {
            refused(p, wrong(code));
        }
        assertThat(audit("email.verify", "failure")).hasSize(settings.maxCodeAttempts())
                .allSatisfy(e -> AuditEntryCheck.of(e).by(actor(carol)).about(carol).detail("reason", "code"));
        refused(p, code);
        AuditEntryCheck.of(lastAudit("email.verify")).outcome("failure").detail("reason", "no-code");
        assertThat(tokens(carol, HOME).level()).isEqualTo(SessionLevel.VERIFY_EMAIL);

        // A new code voids the old one and works.
        clock.advance(Duration.ofSeconds(1));
        verification().resend(p, HOME);
        AuditEntryCheck.of(lastAudit("email.verify.resend")).outcome("success").about(carol);
        String fresh = codeSentTo("carol@home.example", "verify-email");
        if (!fresh.equals(code)) {
            refused(p, code);
        }
        assertThat(register(verification().verify(p, fresh, HOME)).level()).isEqualTo(SessionLevel.FULL);
    }

    @Test
    void anExpiredCodeIsRefusedAndAudited() {
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        String code = codeSentTo("carol@home.example", "verify-email");
        clock.advance(settings.emailCodeLifetime());
        Principal p = principal(tokens(carol, HOME));
        refused(p, code);
        AuditEntryCheck.of(lastAudit("email.verify")).outcome("failure").about(carol).detail("reason", "no-code");

        verification().resend(p, HOME);
        String fresh = codeSentTo("carol@home.example", "verify-email");
        clock.advance(settings.emailCodeLifetime().minus(Duration.ofSeconds(1)));
        assertThat(register(verification().verify(p, fresh, HOME)).level()).isEqualTo(SessionLevel.FULL);
    }

    @Test
    void aCodeWorksOnlyForTheAccountItWasSentFor() {
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        Account dave = invited("dave@example.org", Role.USER, "dave@home.example");
        String davesCode = codeSentTo("dave@home.example", "verify-email");
        refused(principal(tokens(carol, HOME)), davesCode);
        assertThat(register(verification().verify(principal(tokens(dave, HOME)), davesCode, HOME)).level())
                .isEqualTo(SessionLevel.FULL);
    }

    @Test
    void onlyASessionCanVerifyAndAVerifiedAccountHasNothingToVerify() {
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        String code = codeSentTo("carol@home.example", "verify-email");
        TokenPair full = register(verification().verify(principal(tokens(carol, HOME)), code, HOME));
        var token = identity.credentials().createApiToken(principal(full), "script", Set.of("account"),
                Optional.empty(), HOME);
        Principal api = identity.bearer().authenticate(secret(token.secret()));
        assertThatThrownBy(() -> verification().verify(api, code, HOME)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> verification().resend(api, HOME)).isInstanceOf(AccessDeniedException.class);
        int before = outbox().size();
        verification().resend(principal(full), HOME);
        assertThat(outbox()).as("nothing to resend once verified").hasSize(before);
    }
}

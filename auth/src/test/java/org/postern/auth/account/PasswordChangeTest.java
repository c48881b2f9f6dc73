package org.postern.auth.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.auth.Identity;
import org.postern.auth.IdentityFixture;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SignInResult;
import org.postern.auth.signin.TokenPair;
import org.postern.model.AccessDeniedException;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;

/** A signed-in user changes their password: proven, throttled, audited, and every session ends. */
class PasswordChangeTest extends IdentityFixture {
    private static final String REPLACEMENT = "the kettle sings at seven 3141";

    private int change(Principal p, String current, String replacement, org.postern.auth.signin.ClientInfo client) {
        return identity.passwordChange().change(p, secret(current).toCharArray(), secret(replacement).toCharArray(),
                client);
    }

    @Test
    void aChangeEndsEverySessionThisOneToo() {
        Account alice = user("alice@example.org");
        TokenPair laptop = tokens(alice, HOME);
        TokenPair phone = tokens(alice, PHONE);
        Identity nodeB = newNode();
        nodeB.bearer().authenticate(phone.accessToken());

        assertThat(change(principal(laptop), alice.password(), REPLACEMENT, HOME)).isEqualTo(2);
        for (TokenPair t : new TokenPair[] {laptop, phone}) {
            assertThatThrownBy(() -> principal(t)).as("at once on this node").isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> identity.signIn().refresh(t.refreshToken(), HOME))
                    .isInstanceOf(AccessDeniedException.class);
        }
        clock.advance(settings.sessionStatusMaxAge());
        assertThatThrownBy(() -> nodeB.bearer().authenticate(phone.accessToken())).isInstanceOf(AccessDeniedException.class);

        AuditEntryCheck.of(lastAudit("password.change")).outcome("success").by(actor(alice)).about(alice).from(HOME)
                .detail("sessions_ended", "2");
        assertThat(outbox("alice@example.org", "security-notice"))
                .anySatisfy(n -> assertThat(n.subject()).contains("password was changed"));
        assertThat(signIn(alice, HOME)).isEqualTo(new SignInResult.Refused());
        assertThat(signIn(alice.login(), REPLACEMENT, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void aChangeRevokesAppPasswordsAndApiTokens() {
        Account alice = user("alice@example.org");
        var app = identity.credentials().createAppPassword(principal(alice), "Thunderbird", Set.of("imap"), HOME);
        var api = identity.credentials().createApiToken(principal(alice), "script", Set.of("read-mail"),
                Optional.empty(), HOME);
        secrets.add(app.secret());
        secrets.add(api.secret());
        change(principal(tokens(alice, HOME)), alice.password(), REPLACEMENT, HOME);
        assertThat(identity.protocols().authenticate(org.postern.auth.signin.ProtocolAuthenticator.Protocol.IMAP,
                alice.login(), app.secret().toCharArray(), HOME)).isEmpty();
        assertThatThrownBy(() -> identity.bearer().authenticate(api.secret())).isInstanceOf(AccessDeniedException.class);
        AuditEntryCheck.of(lastAudit("password.change")).detail("credentials_revoked", "2");
    }

    @Test
    void aWrongCurrentPasswordIsAuditedAndThrottledLikeASignIn() {
        Account alice = user("alice@example.org");
        // A stolen session, used from the thief's address.
        Principal stolen = principal(tokens(alice, HOME));
        for (int i = 0; i < LOCK_AFTER; i++) {
            String guess = "thief guess number " + i;
            assertThatThrownBy(() -> change(stolen, guess, REPLACEMENT, ATTACKER))
                    .isInstanceOf(AccessDeniedException.class);
        }
        assertThat(audit("password.change", "failure")).hasSize(LOCK_AFTER)
                .allSatisfy(e -> AuditEntryCheck.of(e).by(actor(alice)).about(alice).from(ATTACKER));
        assertThatThrownBy(() -> change(stolen, alice.password(), REPLACEMENT, ATTACKER))
                .as("locked, even with the right password").isInstanceOf(AccessDeniedException.class);
        assertThat(signIn(alice, ATTACKER)).as("the same lock as sign-in").isEqualTo(new SignInResult.Refused());
        // The owner, from her own address, is not locked out.
        assertThat(change(principal(tokens(alice, HOME)), alice.password(), REPLACEMENT, HOME)).isEqualTo(2);
    }

    @Test
    void onlyAFullSessionMayChangeThePassword() {
        Account alice = user("alice@example.org");
        Principal session = principal(alice);
        var token = identity.credentials().createApiToken(session, "script", Set.of("account"), Optional.empty(), HOME);
        Principal api = identity.bearer().authenticate(secret(token.secret()));
        assertThatThrownBy(() -> change(api, alice.password(), REPLACEMENT, HOME)).isInstanceOf(AccessDeniedException.class);
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Principal enrolOnly = principal(boss);
        assertThatThrownBy(() -> change(enrolOnly, boss.password(), REPLACEMENT, HOME))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(audit("password.change")).isEmpty();
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void aWeakReplacementIsRefusedAndNothingChanges() {
        Account alice = user("alice@example.org");
        Principal p = principal(alice);
        assertThatThrownBy(() -> change(p, alice.password(), "password1234", HOME)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> change(p, alice.password(), "short", HOME)).isInstanceOf(InvalidInputException.class);
        assertThat(principal(alice).session()).isPresent();
        assertThat(p.session().map(s -> identity.sessions().list(p).size())).contains(2);
        char[] current = alice.password().toCharArray();
        char[] replacement = REPLACEMENT.toCharArray();
        identity.passwordChange().change(p, current, replacement, HOME);
        assertThat(new String(current) + new String(replacement)).as("both arrays wiped").matches("\u0000+");
    }
}

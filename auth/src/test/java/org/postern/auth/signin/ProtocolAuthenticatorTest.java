package org.postern.auth.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.access.Caller;
import org.postern.auth.IdentityFixture;
import org.postern.auth.credential.CreatedCredential;
import org.postern.auth.signin.ProtocolAuthenticator.Protocol;
import org.postern.model.Role;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.CredentialKind;
import org.postern.store.identity.RiskMode;

/** IMAP and SMTP submission sign-in: app passwords, and the account password only without a second factor. */
class ProtocolAuthenticatorTest extends IdentityFixture {
    private static final ClientInfo MUA = new ClientInfo("10.1.0.20", "imap");

    private Optional<Caller.User> login(Protocol protocol, String login, String secret) {
        return login(protocol, login, secret, MUA);
    }

    private Optional<Caller.User> login(Protocol protocol, String login, String secret, ClientInfo client) {
        return identity.protocols().authenticate(protocol, login, secret.toCharArray(), client);
    }

    private CreatedCredential appPassword(Account a, Set<String> scopes) {
        CreatedCredential c = identity.credentials().createAppPassword(principal(a), "Thunderbird", scopes, HOME);
        secret(c.secret());
        return c;
    }

    private CreatedCredential appPassword(Principal p, Set<String> scopes) {
        CreatedCredential c = identity.credentials().createAppPassword(p, "Thunderbird", scopes, HOME);
        secret(c.secret());
        return c;
    }

    @Test
    void anImapAppPasswordWorksOnImapAndNotOnSmtp() {
        Account alice = user("alice@example.org");
        CreatedCredential imap = appPassword(alice, Set.of("imap"));
        assertThat(imap.secret()).matches("[a-z2-9]{4}(-[a-z2-9]{4}){3}");
        assertThat(login(Protocol.IMAP, alice.login(), imap.secret())).contains(alice.caller());
        AuditEntryCheck.of(lastAudit("imap.signin")).outcome("success").by(actor(alice)).about(alice).from(MUA)
                .detail("method", "app-password");
        assertThat(login(Protocol.SMTP, alice.login(), imap.secret())).isEmpty();
        AuditEntryCheck.of(lastAudit("smtp.signin")).outcome("failure").about(alice).detail("reason", "password");

        CreatedCredential both = appPassword(alice, Set.of("imap", "smtp"));
        assertThat(login(Protocol.SMTP, alice.login(), both.secret())).contains(alice.caller());
        assertThat(login(Protocol.IMAP, alice.login(), both.secret())).contains(alice.caller());
    }

    @Test
    void anAppPasswordMayBeTypedWithOrWithoutDashesSpacesAndCapitals() {
        Account alice = user("alice@example.org");
        String secret = appPassword(alice, Set.of("imap")).secret();
        for (String typed : new String[] {secret, secret.replace("-", ""), secret.replace('-', ' '),
                secret.toUpperCase(Locale.ROOT), " " + secret.replace("-", " - ") + " "}) {
            assertThat(login(Protocol.IMAP, alice.login(), typed)).as(typed).contains(alice.caller());
        }
        assertThat(login(Protocol.IMAP, alice.login(), secret.substring(0, 18) + (secret.endsWith("a") ? "b" : "a")))
                .isEmpty();
    }

    @Test
    void theAccountPasswordWorksOnlyWithoutASecondFactor() {
        Account alice = user("alice@example.org");
        assertThat(login(Protocol.IMAP, alice.login(), alice.password())).contains(alice.caller());
        AuditEntryCheck.of(lastAudit("imap.signin")).outcome("success").detail("method", "password");
        assertThat(login(Protocol.SMTP, alice.login(), alice.password())).contains(alice.caller());

        Enrolled e = enrol(alice);
        assertThat(login(Protocol.IMAP, alice.login(), alice.password())).as("TOTP enrolled").isEmpty();
        AuditEntryCheck.of(lastAudit("imap.signin")).outcome("failure").about(alice)
                .detail("reason", "account-password-with-mfa");
        assertThat(login(Protocol.SMTP, alice.login(), alice.password())).isEmpty();
        // An app password is the way in.
        String app = appPassword(principal(e.tokens()), Set.of("imap")).secret();
        assertThat(login(Protocol.IMAP, alice.login(), app)).contains(alice.caller());
    }

    @Test
    void theAccountPasswordIsRefusedForAdminsInMfaTenantsAndUnverifiedAccounts() {
        Account root = account("root@example.org", Role.SERVER_ADMIN);
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account gus = user("gus@other.test");
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        assertThat(login(Protocol.IMAP, gus.login(), gus.password())).contains(gus.caller());
        tenantPolicy("globex", true, RiskMode.AUDIT);

        for (Account a : new Account[] {root, boss, gus}) {
            assertThat(login(Protocol.IMAP, a.login(), a.password())).as(a.login()).isEmpty();
            AuditEntryCheck.of(lastAudit("imap.signin")).outcome("failure").about(a)
                    .detail("reason", "account-password-with-mfa");
        }
        assertThat(login(Protocol.SMTP, carol.login(), carol.password())).isEmpty();
        AuditEntryCheck.of(lastAudit("smtp.signin")).outcome("failure").about(carol).detail("reason", "unverified");
    }

    @Test
    void aRevokedAppPasswordOrADisabledUserIsRefused() {
        Account alice = user("alice@example.org");
        CreatedCredential keep = appPassword(alice, Set.of("imap"));
        CreatedCredential drop = appPassword(alice, Set.of("imap"));
        identity.credentials().revoke(principal(alice), drop.credential().id(), HOME);
        AuditEntryCheck.of(lastAudit("app_password.revoke")).by(actor(alice)).about(alice);
        assertThat(login(Protocol.IMAP, alice.login(), drop.secret())).isEmpty();
        assertThat(login(Protocol.IMAP, alice.login(), keep.secret())).isPresent();

        directory.setDisabled(operator, alice.user().login(), true);
        assertThat(login(Protocol.IMAP, alice.login(), keep.secret())).isEmpty();
        AuditEntryCheck.of(lastAudit("imap.signin")).outcome("failure").detail("reason", "disabled");
        assertThat(login(Protocol.IMAP, alice.login(), alice.password())).isEmpty();
    }

    @Test
    void aSuccessfulUseRecordsTheLastUsedTime() {
        Account alice = user("alice@example.org");
        CreatedCredential app = appPassword(alice, Set.of("imap"));
        clock.advance(Duration.ofHours(3));
        login(Protocol.IMAP, alice.login(), app.secret());
        assertThat(identity.credentials().list(principal(alice), CredentialKind.APP_PASSWORD).getFirst().lastUsedAt())
                .contains(clock.instant());
    }

    @Test
    void failuresAreThrottledPerAccountAndAddressAndAudited() {
        Account alice = user("alice@example.org");
        String app = appPassword(alice, Set.of("imap", "smtp")).secret();
        assertThat(login(Protocol.IMAP, "ghost@example.org", "some guess here", ATTACKER)).isEmpty();
        AuditEntry unknown = lastAudit("imap.signin");
        assertThat(unknown.actor()).isEqualTo("anonymous");
        assertThat(unknown.subject()).isEmpty();
        assertThat(details(unknown)).containsEntry("reason", "unknown-login");

        for (int i = 1; i < LOCK_AFTER; i++) {
            assertThat(login(i % 2 == 0 ? Protocol.IMAP : Protocol.SMTP, alice.login(), secret("guess " + i + " xyz"),
                    ATTACKER)).isEmpty();
        }
        // One more, spelled differently: still the same pair.
        assertThat(login(Protocol.IMAP, " ALICE@example.org", secret("guess five xyz"), ATTACKER)).isEmpty();
        assertThat(audit("imap.signin", "failure").size() + audit("smtp.signin", "failure").size())
                .isEqualTo(LOCK_AFTER + 1);
        assertThat(login(Protocol.IMAP, alice.login(), app, ATTACKER)).as("locked pair, right secret").isEmpty();
        AuditEntry locked = lastAudit("imap.signin");
        assertThat(locked.outcome()).isEqualTo("locked");
        assertThat(locked.ip()).isEqualTo(ATTACKER.ip());
        // The same throttle guards the API sign-in.
        assertThat(signIn(alice, ATTACKER)).isEqualTo(new SignInResult.Refused());
        // Her own client elsewhere is unaffected.
        assertThat(login(Protocol.IMAP, alice.login(), app, MUA)).isPresent();
        clock.advance(THROTTLE.lockFor().plusSeconds(1));
        assertThat(login(Protocol.IMAP, alice.login(), app, ATTACKER)).isPresent();
    }

    @Test
    void junkLoginsAndSecretsAreRefusedWithoutError() {
        Account alice = user("alice@example.org");
        assertThat(login(Protocol.IMAP, null, "whatever")).isEmpty();
        assertThat(login(Protocol.IMAP, "", "whatever")).isEmpty();
        assertThat(login(Protocol.IMAP, "x".repeat(400), "whatever")).isEmpty();
        assertThat(login(Protocol.IMAP, alice.login(), "")).isEmpty();
        assertThat(login(Protocol.IMAP, alice.login(), "y".repeat(2000))).isEmpty();
        char[] secret = alice.password().toCharArray();
        identity.protocols().authenticate(Protocol.IMAP, alice.login(), secret, MUA);
        assertThat(new String(secret)).as("the secret is wiped").isEqualTo("\0".repeat(secret.length));
    }
}

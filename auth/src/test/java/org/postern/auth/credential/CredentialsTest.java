package org.postern.auth.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.auth.signin.Principal;
import org.postern.model.AccessDeniedException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.CredentialKind;

/** App passwords and API tokens: who may make them, how many, with what names, scopes and lifetimes. */
class CredentialsTest extends IdentityFixture {

    private Credentials credentials() {
        return identity.credentials();
    }

    private CreatedCredential app(Principal p, String name, Set<String> scopes) {
        CreatedCredential c = credentials().createAppPassword(p, name, scopes, HOME);
        secret(c.secret());
        return c;
    }

    private CreatedCredential api(Principal p, String name, Set<String> scopes, Optional<Duration> lifetime) {
        CreatedCredential c = credentials().createApiToken(p, name, scopes, lifetime, HOME);
        secret(c.secret());
        return c;
    }

    @Test
    void creationIsAuditedWithoutTheSecret() {
        Account alice = user("alice@example.org");
        Principal p = principal(alice);
        CreatedCredential a = app(p, "Thunderbird", Set.of("smtp", "imap"));
        assertThat(a.toString()).doesNotContain(a.secret());
        assertThat(a.credential().kind()).isEqualTo(CredentialKind.APP_PASSWORD);
        assertThat(a.credential().secretHash()).hasSize(32);
        AuditEntry made = lastAudit("app_password.create");
        AuditEntryCheck.of(made).outcome("success").by(actor(alice)).about(alice).from(HOME)
                .detail("credential", a.credential().id().toString()).detail("scopes", "imap,smtp");
        CreatedCredential t = api(p, "backup", Set.of("read-mail"), Optional.of(Duration.ofDays(30)));
        assertThat(t.credential().expiresAt()).contains(clock.instant().plus(Duration.ofDays(30)));
        AuditEntryCheck.of(lastAudit("api_token.create")).about(alice).detail("scopes", "read-mail");
        assertThat(credentials().list(p, CredentialKind.APP_PASSWORD)).extracting(c -> c.id())
                .containsExactly(a.credential().id());
        assertThat(credentials().list(p, CredentialKind.API_TOKEN)).extracting(c -> c.id())
                .containsExactly(t.credential().id());
    }

    @Test
    void eachKindIsCappedPerAccount() {
        Account alice = user("alice@example.org");
        Principal p = principal(alice);
        CreatedCredential first = null;
        for (int i = 0; i < Credentials.MAX_PER_KIND; i++) {
            CreatedCredential c = app(p, "device " + i, Set.of("imap"));
            if (first == null) {
                first = c;
            }
        }
        assertThatThrownBy(() -> app(p, "one too many", Set.of("imap"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("too many app passwords");
        // The other kind has its own allowance; revoking makes room.
        api(p, "script", Set.of("read-mail"), Optional.empty());
        credentials().revoke(p, first.credential().id(), HOME);
        app(p, "replacement", Set.of("imap"));
        assertThat(credentials().list(p, CredentialKind.APP_PASSWORD)).hasSize(Credentials.MAX_PER_KIND);
    }

    @Test
    void namesAreValidated() {
        Account alice = user("alice@example.org");
        Principal p = principal(alice);
        for (String bad : new String[] {null, "", "   ", "x".repeat(101), "line\nbreak", "bell\u0007", "tab\tname"}) {
            assertThatThrownBy(() -> app(p, bad, Set.of("imap"))).as("%s", bad).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> api(p, bad, Set.of("read-mail"), Optional.empty())).as("%s", bad)
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThat(app(p, "  Thunderbird on the laptop  ", Set.of("imap")).credential().name())
                .isEqualTo("Thunderbird on the laptop");
        assertThat(app(p, "é".repeat(100), Set.of("imap")).credential().name()).hasSize(100);
        assertThat(audit("app_password.create")).hasSize(2);
    }

    @Test
    void scopesAndLifetimesAreValidated() {
        Account alice = user("alice@example.org");
        Principal p = principal(alice);
        for (Set<String> bad : java.util.List.of(Set.<String>of(), Set.of("pop3"), Set.of("imap", "read-mail"),
                Set.of("admin"))) {
            assertThatThrownBy(() -> app(p, "x", bad)).as("%s", bad).isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> app(p, "x", null)).isInstanceOf(InvalidInputException.class);
        for (Set<String> bad : java.util.List.of(Set.<String>of(), Set.of("imap"), Set.of("read-mail", "everything"))) {
            assertThatThrownBy(() -> api(p, "x", bad, Optional.empty())).as("%s", bad)
                    .isInstanceOf(InvalidInputException.class);
        }
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(367)}) {
            assertThatThrownBy(() -> api(p, "x", Set.of("read-mail"), Optional.of(bad))).as("%s", bad)
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThat(api(p, "x", Set.of("read-mail"), Optional.of(Duration.ofDays(366))).credential().expiresAt())
                .contains(clock.instant().plus(Duration.ofDays(366)));
    }

    @Test
    void onlyAnAdminMayMintAnAdminToken() {
        Account alice = user("alice@example.org");
        assertThatThrownBy(() -> api(principal(alice), "ops", Set.of("admin"), Optional.empty()))
                .isInstanceOf(InvalidInputException.class);
        assertThat(audit("api_token.create")).isEmpty();
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        assertThatThrownBy(() -> api(principal(boss), "ops", Set.of("admin"), Optional.empty()))
                .as("not before the admin enrols MFA").isInstanceOf(AccessDeniedException.class);
        Enrolled e = enrol(boss);
        CreatedCredential ops = api(principal(e.tokens()), "ops", Set.of("admin", "read-mail"), Optional.empty());
        assertThat(identity.bearer().authenticate(ops.secret()).apiScopes()).containsExactlyInAnyOrder("admin", "read-mail");
    }

    @Test
    void onlyAFullInteractiveSessionCreatesCredentials() {
        Account alice = user("alice@example.org");
        CreatedCredential token = api(principal(alice), "script", Set.of("account", "read-mail", "send",
                "manage-addresses"), Optional.empty());
        Principal viaToken = identity.bearer().authenticate(token.secret());
        assertThatThrownBy(() -> app(viaToken, "x", Set.of("imap"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> api(viaToken, "x", Set.of("read-mail"), Optional.empty()))
                .as("a token cannot mint tokens").isInstanceOf(AccessDeniedException.class);
        Account carol = invited("carol@example.org", Role.USER, "carol@home.example");
        Principal unverified = principal(tokens(carol, HOME));
        assertThatThrownBy(() -> app(unverified, "x", Set.of("imap"))).isInstanceOf(AccessDeniedException.class);
        assertThat(audit("app_password.create")).isEmpty();
        assertThat(audit("api_token.create")).hasSize(1);
        // With the account scope, a token may list and revoke, itself included.
        assertThat(credentials().list(viaToken, CredentialKind.API_TOKEN)).hasSize(1);
        credentials().revoke(viaToken, token.credential().id(), HOME);
        assertThatThrownBy(() -> identity.bearer().authenticate(token.secret())).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void oneCannotRevokeAnothersCredentialOrTheSameTwice() {
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Principal a = principal(alice);
        CreatedCredential c = app(a, "phone", Set.of("imap"));
        CreatedCredential readOnly = api(a, "ro", Set.of("read-mail"), Optional.empty());
        assertThatThrownBy(() -> credentials().revoke(principal(bob), c.credential().id(), HOME))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> credentials().revoke(identity.bearer().authenticate(readOnly.secret()),
                c.credential().id(), HOME)).isInstanceOf(AccessDeniedException.class);
        Enrolled e = enrol(boss);
        assertThatThrownBy(() -> credentials().revoke(principal(e.tokens()), c.credential().id(), HOME))
                .as("admins end sessions, not a user's credentials through her account API")
                .isInstanceOf(NotFoundException.class);
        credentials().revoke(a, c.credential().id(), HOME);
        assertThatThrownBy(() -> credentials().revoke(a, c.credential().id(), HOME)).isInstanceOf(NotFoundException.class);
        assertThat(audit("app_password.revoke")).hasSize(1);
        assertThat(credentials().list(a, CredentialKind.APP_PASSWORD)).isEmpty();
    }
}

package org.postern.auth.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.auth.Identity;
import org.postern.auth.IdentityFixture;
import org.postern.auth.credential.CreatedCredential;
import org.postern.model.AccessDeniedException;
import org.postern.model.Role;
import org.postern.store.identity.CredentialKind;

/**
 * Bearer credentials: access tokens checked against live sessions (at once on the node that
 * revoked, within sessionStatusMaxAge on another), and API tokens.
 */
class BearerAuthenticatorTest extends IdentityFixture {

    private void refused(Identity node, String bearer) {
        assertThatThrownBy(() -> node.bearer().authenticate(bearer)).isInstanceOf(AccessDeniedException.class)
                .hasMessage("not signed in");
    }

    private CreatedCredential apiToken(Principal p, Set<String> scopes, Optional<Duration> lifetime) {
        CreatedCredential c = identity.credentials().createApiToken(p, "script", scopes, lifetime, HOME);
        secret(c.secret());
        return c;
    }

    @Test
    void aRevokedSessionIsRefusedAtOnceHereAndWithinTheBoundOnAnotherNode() {
        Account alice = user("alice@example.org");
        Identity nodeB = newNode();
        TokenPair t = tokens(alice, HOME);
        assertThat(nodeB.bearer().authenticate(t.accessToken()).session()).contains(t.sessionId());
        clock.advance(Duration.ofSeconds(5));
        assertThat(identity.bearer().authenticate(t.accessToken()).caller().userId()).isEqualTo(alice.user().id());

        identity.sessions().end(principal(t), t.sessionId(), HOME);
        refused(identity, t.accessToken());
        // Node B checked 5 s ago and may trust that for sessionStatusMaxAge (30 s), not a moment longer.
        clock.advance(settings.sessionStatusMaxAge().minusSeconds(6));
        assertThat(nodeB.bearer().authenticate(t.accessToken()).session()).as("B's cached answer").isPresent();
        clock.advance(Duration.ofSeconds(1));
        refused(nodeB, t.accessToken());
        // A third node that never saw the session refuses it straight away.
        refused(newNode(), t.accessToken());
    }

    @Test
    void signingOutEverywhereOnOneNodeReachesAnotherWithinTheBound() {
        Account alice = user("alice@example.org");
        Identity nodeB = newNode();
        TokenPair laptop = tokens(alice, HOME);
        TokenPair phone = tokens(alice, PHONE);
        nodeB.bearer().authenticate(laptop.accessToken());
        nodeB.bearer().authenticate(phone.accessToken());
        assertThat(identity.sessions().endAll(principal(laptop), HOME)).isEqualTo(2);
        refused(identity, laptop.accessToken());
        refused(identity, phone.accessToken());
        AuditEntryCheck.of(lastAudit("session.revoke_all")).by(actor(alice)).about(alice).detail("sessions_ended", "2")
                .detail("reason", "signed-out-everywhere");
        clock.advance(settings.sessionStatusMaxAge());
        refused(nodeB, laptop.accessToken());
        refused(nodeB, phone.accessToken());
    }

    @Test
    void aDisabledUsersTokensAreRefusedWithinTheBoundOnEveryNode() {
        Account alice = user("alice@example.org");
        Identity nodeB = newNode();
        TokenPair t = tokens(alice, HOME);
        CreatedCredential api = apiToken(principal(t), Set.of("read-mail"), Optional.empty());
        nodeB.bearer().authenticate(t.accessToken());
        assertThat(identity.bearer().authenticate(api.secret()).apiToken()).contains(api.credential().id());

        // Disabling is done by the directory, which knows nothing of session caches.
        directory.setDisabled(operator, alice.user().login(), true);
        refused(identity, api.secret());
        clock.advance(settings.sessionStatusMaxAge());
        refused(identity, t.accessToken());
        refused(nodeB, t.accessToken());
    }

    @Test
    void anAccessTokenExpiresEvenWhileItsSessionLives() {
        Account alice = user("alice@example.org");
        TokenPair t = tokens(alice, HOME);
        clock.advance(settings.accessTokenLifetime().plus(Duration.ofMinutes(1)));
        refused(identity, t.accessToken());
        TokenPair fresh = register(identity.signIn().refresh(t.refreshToken(), HOME));
        assertThat(principal(fresh).session()).contains(t.sessionId());
    }

    @Test
    void anotherDeploymentsTokensAndJunkAreRefused() throws Exception {
        Account alice = user("alice@example.org");
        TokenPair t = tokens(alice, HOME);
        // Same store, same everything, but a different signing key.
        IdentityFixture.TestSigningKeys foreign = new IdentityFixture.TestSigningKeys();
        Identity elsewhere = new Identity(store, policy, directory, sealer, hasher, foreign, auditKey, locator,
                THROTTLE, settings, clock);
        refused(elsewhere, t.accessToken());
        String forged = register(elsewhere.signIn().refresh(t.refreshToken(), HOME)).accessToken();
        refused(identity, forged);
        for (String junk : new String[] {null, "", "Bearer " + t.accessToken(), "x".repeat(5000), "a.b.c",
                t.accessToken() + "x", "pst_", "pst_" + "A".repeat(66)}) {
            refused(identity, junk);
        }
    }

    @Test
    void apiTokensCarryOnlyTheirScopes() {
        Account alice = user("alice@example.org");
        Principal session = principal(alice);
        CreatedCredential readMail = apiToken(session, Set.of("read-mail"), Optional.empty());
        CreatedCredential account = apiToken(session, Set.of("account", "send"), Optional.empty());
        assertThat(readMail.secret()).startsWith("pst_").hasSize(70);

        Principal rm = identity.bearer().authenticate(readMail.secret());
        assertThat(rm.caller().userId()).isEqualTo(alice.user().id());
        assertThat(rm.session()).isEmpty();
        assertThat(rm.apiScopes()).containsExactly("read-mail");
        rm.requireApiScope("read-mail");
        assertThatThrownBy(() -> rm.requireApiScope("send")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> identity.sessions().list(rm)).as("needs the account scope")
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(rm::requireFullSession).isInstanceOf(AccessDeniedException.class);

        Principal acct = identity.bearer().authenticate(account.secret());
        assertThat(identity.sessions().list(acct)).hasSize(1);
        assertThat(identity.credentials().list(acct, CredentialKind.API_TOKEN)).hasSize(2)
                .allSatisfy(c -> assertThat(c.toString()).doesNotContain(readMail.secret()));
    }

    @Test
    void anApiTokenStopsAtItsExpiryAndWhenRevoked() {
        Account alice = user("alice@example.org");
        Principal session = principal(alice);
        CreatedCredential day = apiToken(session, Set.of("read-mail"), Optional.of(Duration.ofDays(1)));
        CreatedCredential forever = apiToken(session, Set.of("read-mail"), Optional.empty());
        clock.advance(Duration.ofDays(1).minusSeconds(1));
        identity.bearer().authenticate(day.secret());
        clock.advance(Duration.ofSeconds(1));
        refused(identity, day.secret());
        Principal fresh = principal(alice);
        identity.bearer().authenticate(forever.secret());
        identity.credentials().revoke(fresh, forever.credential().id(), HOME);
        refused(identity, forever.secret());
        AuditEntryCheck.of(lastAudit("api_token.revoke")).by(actor(alice)).about(alice)
                .detail("credential", forever.credential().id().toString());
        assertThatThrownBy(() -> identity.credentials().revoke(fresh, forever.credential().id(), HOME))
                .isInstanceOf(org.postern.model.NotFoundException.class);
    }

    @Test
    void anApiTokenIsCheckedByItsSecretNotOnlyByItsId() {
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        CreatedCredential a = apiToken(principal(alice), Set.of("read-mail"), Optional.empty());
        CreatedCredential b = apiToken(principal(bob), Set.of("read-mail"), Optional.empty());
        String aId = a.secret().substring(0, 27);
        String aSecret = a.secret().substring(27);
        String bSecret = b.secret().substring(27);
        // Alice's id with Bob's (valid) secret, and with her own secret altered in one character.
        refused(identity, aId + bSecret);
        char last = aSecret.charAt(aSecret.length() - 2);
        String altered = aSecret.substring(0, aSecret.length() - 2) + (last == 'A' ? 'B' : 'A')
                + aSecret.charAt(aSecret.length() - 1);
        refused(identity, aId + altered);
        // Bob's id with Alice's secret.
        refused(identity, b.secret().substring(0, 27) + aSecret);
        assertThat(identity.bearer().authenticate(a.secret()).caller().userId()).isEqualTo(alice.user().id());
    }

    @Test
    void anApiTokensLastUseIsRecordedAtMostOnceAMinute() {
        Account alice = user("alice@example.org");
        Principal session = principal(alice);
        CreatedCredential token = apiToken(session, Set.of("account"), Optional.empty());
        identity.bearer().authenticate(token.secret());
        var first = identity.credentials().list(session, CredentialKind.API_TOKEN).getFirst().lastUsedAt();
        assertThat(first).contains(clock.instant());
        clock.advance(Duration.ofSeconds(30));
        identity.bearer().authenticate(token.secret());
        assertThat(identity.credentials().list(session, CredentialKind.API_TOKEN).getFirst().lastUsedAt())
                .isEqualTo(first);
        clock.advance(Duration.ofSeconds(31));
        identity.bearer().authenticate(token.secret());
        assertThat(identity.credentials().list(principal(alice), CredentialKind.API_TOKEN).getFirst().lastUsedAt())
                .contains(clock.instant());
    }

    @Test
    void anAdminEndsAUsersSessionsButNotAnotherTenantsAndAUserCannot() {
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account globexBoss = account("boss@other.test", Role.TENANT_ADMIN);
        TokenPair t = tokens(alice, HOME);
        assertThatThrownBy(() -> identity.sessions().endAllOf(globexBoss.caller(), alice.user().id(), HOME))
                .isInstanceOf(org.postern.model.NotFoundException.class);
        assertThatThrownBy(() -> identity.sessions().endAllOf(bob.caller(), alice.user().id(), HOME))
                .isInstanceOf(org.postern.model.NotFoundException.class);
        assertThat(principal(t).session()).isPresent();
        assertThat(identity.sessions().endAllOf(boss.caller(), alice.user().id(), HOME)).isEqualTo(1);
        refused(identity, t.accessToken());
        AuditEntryCheck.of(lastAudit("session.revoke_all")).by(actor(boss)).about(alice)
                .detail("reason", "ended-by-admin");
        // A user can end only their own sessions.
        TokenPair a2 = tokens(alice, HOME);
        TokenPair b1 = tokens(bob, HOME);
        assertThatThrownBy(() -> identity.sessions().end(principal(b1), a2.sessionId(), HOME))
                .isInstanceOf(org.postern.model.NotFoundException.class);
        assertThat(principal(a2).session()).isPresent();
    }

    @Test
    void aTenantAdminCannotEndAServerAdminsSessionsInTheirTenant() {
        Account root = account("root@example.org", Role.SERVER_ADMIN);
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        assertThatThrownBy(() -> identity.sessions().endAllOf(boss.caller(), root.user().id(), HOME))
                .isInstanceOf(org.postern.model.NotFoundException.class);
        assertThat(identity.sessions().endAllOf(operator, root.user().id(), HOME)).isZero();
    }
}

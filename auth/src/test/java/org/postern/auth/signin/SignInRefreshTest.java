package org.postern.auth.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postern.auth.AuthSettings;
import org.postern.auth.IdentityFixture;
import org.postern.model.AccessDeniedException;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.SessionLevel;

/** Refresh-token rotation, reuse detection and the limits on a session's life. */
class SignInRefreshTest extends IdentityFixture {

    /** Refresh tokens for 7 days, sessions for at most 10. */
    @Override
    protected AuthSettings settings() {
        AuthSettings d = super.settings();
        return new AuthSettings(d.issuer(), d.audience(), d.accessTokenLifetime(), Duration.ofDays(7),
                Duration.ofDays(10), d.sessionStatusMaxAge(), d.inviteLifetime(), d.emailCodeLifetime(),
                d.mfaChallengeLifetime(), d.maxCodeAttempts(), d.maxTravelKmh());
    }

    private TokenPair refresh(TokenPair t, ClientInfo client) {
        return register(identity.signIn().refresh(t.refreshToken(), client));
    }

    private void refused(String refreshToken) {
        assertThatThrownBy(() -> identity.signIn().refresh(refreshToken, HOME))
                .isInstanceOf(AccessDeniedException.class).hasMessage("refresh token refused");
    }

    @Test
    void eachRefreshRotatesTheRefreshTokenWithinOneSession() {
        Account alice = user("alice@example.org");
        TokenPair t1 = tokens(alice, HOME);
        clock.advance(Duration.ofMinutes(20));
        assertThatThrownBy(() -> principal(t1)).as("the access token expired").isInstanceOf(AccessDeniedException.class);
        TokenPair t2 = refresh(t1, PHONE);
        assertThat(t2.refreshToken()).isNotEqualTo(t1.refreshToken());
        assertThat(t2.accessToken()).isNotEqualTo(t1.accessToken());
        assertThat(t2.sessionId()).isEqualTo(t1.sessionId());
        assertThat(principal(t2).session()).contains(t1.sessionId());
        var sessions = identity.sessions().list(principal(t2));
        assertThat(sessions).hasSize(1);
        assertThat(sessions.getFirst().ip()).as("last seen from the refresh").isEqualTo(PHONE.ip());
        assertThat(sessions.getFirst().lastSeenAt()).isEqualTo(clock.instant());
        TokenPair t3 = refresh(t2, HOME);
        assertThat(principal(t3).caller().userId()).isEqualTo(alice.user().id());
    }

    @Test
    void reusingASpentRefreshTokenRevokesTheWholeSessionAndItsNewestToken() {
        Account alice = user("alice@example.org");
        TokenPair t1 = tokens(alice, HOME);
        TokenPair other = tokens(alice, PHONE);
        TokenPair t2 = refresh(t1, HOME);
        TokenPair t3 = refresh(t2, HOME);

        refused(t1.refreshToken());
        AuditEntry reuse = lastAudit("token.reuse");
        assertThat(reuse.outcome()).isEqualTo("denied");
        assertThat(reuse.subject()).contains(alice.user().id());
        assertThat(details(reuse)).containsEntry("session", t1.sessionId().toString()).containsEntry("revoked", "true");

        refused(t3.refreshToken());
        assertThatThrownBy(() -> principal(t3)).as("at once on this node").isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> principal(t2)).isInstanceOf(AccessDeniedException.class);
        // Her other session is a different family and lives on.
        assertThat(principal(other).session()).contains(other.sessionId());
        assertThat(refresh(other, PHONE).sessionId()).isEqualTo(other.sessionId());
    }

    @Test
    void reuseIsDetectedWhenTheThiefIsFirst() {
        Account alice = user("alice@example.org");
        TokenPair t1 = tokens(alice, HOME);
        TokenPair stolen = refresh(t1, ATTACKER);
        // The real client now presents the token the thief already spent: the family dies, the thief's too.
        refused(t1.refreshToken());
        refused(stolen.refreshToken());
        assertThatThrownBy(() -> principal(stolen)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void anExpiredRefreshTokenIsRefused() {
        Account alice = user("alice@example.org");
        TokenPair t1 = tokens(alice, HOME);
        assertThat(t1.refreshTokenExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        clock.advance(Duration.ofDays(7));
        refused(t1.refreshToken());

        TokenPair t2 = tokens(alice, HOME);
        clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertThat(refresh(t2, HOME).sessionId()).isEqualTo(t2.sessionId());
    }

    @Test
    void aSessionEndsAfterItsLifetimeHoweverOftenItIsRefreshed() {
        Account alice = user("alice@example.org");
        TokenPair t = tokens(alice, HOME);
        for (int day = 0; day < 9; day += 3) {
            clock.advance(Duration.ofDays(3));
            t = refresh(t, HOME);
        }
        // Day 9: the token would last until day 16, but the session ends at day 10.
        assertThat(t.refreshTokenExpiresAt()).isEqualTo(T0.plus(Duration.ofDays(10)));
        clock.advance(Duration.ofDays(1));
        refused(t.refreshToken());
        TokenPair last = t;
        assertThatThrownBy(() -> principal(last)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aDisabledUsersRefreshTokenIsRefused() {
        Account alice = user("alice@example.org");
        TokenPair t = tokens(alice, HOME);
        directory.setDisabled(operator, alice.user().login(), true);
        refused(t.refreshToken());
        directory.setDisabled(operator, alice.user().login(), false);
        assertThat(refresh(t, HOME).sessionId()).as("refused, not spent").isEqualTo(t.sessionId());
    }

    @Test
    void junkRefreshTokensAreRefused() {
        refused(null);
        refused("");
        refused("x".repeat(129));
        refused("a-token-that-was-never-issued");
        Account alice = user("alice@example.org");
        TokenPair t = tokens(alice, HOME);
        refused(t.accessToken().substring(0, 100));
        assertThat(refresh(t, HOME).sessionId()).isEqualTo(t.sessionId());
    }

    @Test
    void aSessionNoLongerEarningFullAccessIsRestrictedAtItsNextRefresh() {
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        Enrolled bobMfa = enrol(bob);
        TokenPair a = tokens(alice, HOME);
        TokenPair b = tokens(bob, bobMfa.phone(), HOME);
        tenantPolicy("acme", true, org.postern.store.identity.RiskMode.AUDIT);
        // Alice has no TOTP: from now on her session may only enrol; Bob's is unaffected.
        TokenPair a2 = refresh(a, HOME);
        assertThat(a2.level()).isEqualTo(SessionLevel.ENROL_MFA);
        assertThat(principal(a2).level()).isEqualTo(SessionLevel.ENROL_MFA);
        assertThatThrownBy(() -> identity.credentials().createAppPassword(principal(a2), "x", java.util.Set.of("imap"),
                HOME)).isInstanceOf(AccessDeniedException.class);
        assertThat(refresh(b, HOME).level()).isEqualTo(SessionLevel.FULL);
        // Enrolling with the restricted session gives her a full one again.
        var setup = identity.mfa().begin(principal(a2), HOME);
        secret(setup.secretBase32());
        var confirmed = identity.mfa().confirm(principal(a2), new Phone(setup.secretBase32()).code(), HOME);
        register(confirmed.tokens());
        assertThat(refresh(confirmed.tokens(), HOME).level()).isEqualTo(SessionLevel.FULL);

        // A user promoted to admin without going through RoleChange (which ends sessions) is restricted too.
        Account carol = user("carol@example.org");
        tenantPolicy("acme", false, org.postern.store.identity.RiskMode.AUDIT);
        TokenPair c = tokens(carol, HOME);
        assertThat(c.level()).isEqualTo(SessionLevel.FULL);
        directory.setRole(operator, carol.user().login(), org.postern.model.Role.TENANT_ADMIN);
        TokenPair c2 = refresh(c, HOME);
        assertThat(c2.level()).isEqualTo(SessionLevel.ENROL_MFA);
        assertThat(principal(c2).caller().role()).isEqualTo(org.postern.model.Role.TENANT_ADMIN);
        // Demoted again, her password sign-in is all a plain user needs: the session is full again.
        directory.setRole(operator, carol.user().login(), org.postern.model.Role.USER);
        assertThat(refresh(c2, HOME).level()).isEqualTo(SessionLevel.FULL);
    }

    @Test
    void aSignedOutSessionCannotBeRefreshed() {
        Account alice = user("alice@example.org");
        TokenPair t = tokens(alice, HOME);
        identity.sessions().end(principal(t), t.sessionId(), HOME);
        refused(t.refreshToken());
        AuditEntry end = lastAudit("session.revoke");
        assertThat(end.actor()).isEqualTo(actor(alice));
        assertThat(details(end)).containsEntry("session", t.sessionId().toString());
    }
}

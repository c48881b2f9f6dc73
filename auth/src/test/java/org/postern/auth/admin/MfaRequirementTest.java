package org.postern.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.auth.credential.CreatedCredential;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.ProtocolAuthenticator.Protocol;
import org.postern.auth.signin.SignInResult;
import org.postern.auth.signin.TokenPair;
import org.postern.model.AccessDeniedException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.store.User;
import org.postern.store.identity.SessionLevel;

/** An admin requires two-step sign-in of one user: the same treatment as a tenant that requires it. */
class MfaRequirementTest extends IdentityFixture {
    private static final ClientInfo MUA = new ClientInfo("10.1.0.20", "imap");

    private MfaRequirement requirement() {
        return identity.mfaRequirement();
    }

    @Test
    void aRequiredUserWithoutTotpGetsOnlyAnEnrolmentSessionUntilTheFlagIsCleared() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        TokenPair before = tokens(alice, HOME);
        assertThat(before.level()).isEqualTo(SessionLevel.FULL);

        User set = requirement().set(boss.caller(), alice.user().id(), true, HOME);
        assertThat(set.mfaRequired()).isTrue();
        AuditEntryCheck.of(lastAudit("user.require_mfa")).outcome("success").by(actor(boss)).about(alice).from(HOME)
                .detail("require_mfa", "true").detail("was", "false").detail("sessions_ended", "1");
        assertThatThrownBy(() -> principal(before)).as("the full session opened before the rule ended")
                .isInstanceOf(AccessDeniedException.class);

        TokenPair restricted = tokens(alice, HOME);
        assertThat(restricted.level()).isEqualTo(SessionLevel.ENROL_MFA);
        Principal p = principal(restricted);
        assertThatThrownBy(p::requireFullSession).isInstanceOf(AccessDeniedException.class);
        assertThat(tokens(bob, HOME).level()).as("another user of the tenant is not affected").isEqualTo(SessionLevel.FULL);

        User cleared = requirement().set(boss.caller(), alice.user().id(), false, HOME);
        assertThat(cleared.mfaRequired()).isFalse();
        AuditEntryCheck.of(lastAudit("user.require_mfa")).by(actor(boss)).about(alice)
                .detail("require_mfa", "false").detail("was", "true").detail("sessions_ended", "0");
        assertThat(tokens(alice, HOME).level()).as("a cleared flag no longer forces").isEqualTo(SessionLevel.FULL);
    }

    @Test
    void aRequiredUserWithTotpMustUseItAndCannotTurnItOff() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        requirement().set(boss.caller(), alice.user().id(), true, HOME);
        assertThat(principal(e.tokens()).level()).as("an enrolled user's sessions stay").isEqualTo(SessionLevel.FULL);
        AuditEntryCheck.of(lastAudit("user.require_mfa")).detail("sessions_ended", "0");
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SecondFactorRequired.class);
        Principal p = principal(tokens(alice, e.phone(), HOME));
        assertThatThrownBy(() -> identity.mfa().disable(p, e.phone().nextCode(), HOME))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("mandatory");
        AuditEntryCheck.of(lastAudit("mfa.disable")).outcome("denied").about(alice).detail("reason", "mandatory");

        requirement().set(boss.caller(), alice.user().id(), false, HOME);
        identity.mfa().disable(p, e.phone().nextCode(), HOME);
        assertThat(tokens(alice, HOME).level()).isEqualTo(SessionLevel.FULL);
    }

    @Test
    void protocolsTakeOnlyAppPasswordsFromARequiredUserAsUnderTheTenantPolicy() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account alice = user("alice@example.org");
        CreatedCredential app = identity.credentials().createAppPassword(principal(alice), "Thunderbird",
                Set.of("imap"), HOME);
        secret(app.secret());
        assertThat(identity.protocols().authenticate(Protocol.IMAP, alice.login(), alice.password().toCharArray(), MUA))
                .contains(alice.caller());
        requirement().set(boss.caller(), alice.user().id(), true, HOME);
        assertThat(identity.protocols().authenticate(Protocol.IMAP, alice.login(), alice.password().toCharArray(), MUA))
                .isEmpty();
        AuditEntryCheck.of(lastAudit("imap.signin")).outcome("failure").about(alice)
                .detail("reason", "account-password-with-mfa");
        assertThat(identity.protocols().authenticate(Protocol.IMAP, alice.login(), app.secret().toCharArray(), MUA))
                .contains(alice.caller());
    }

    @Test
    void onlyAnAdminOfTheUsersTenantSetsItAndNobodyLiftsTheirOwn() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account alice = user("alice@example.org");
        Account gus = user("gus@other.test");
        Account root = account("root@example.org", Role.SERVER_ADMIN);
        assertThatThrownBy(() -> requirement().set(boss.caller(), gus.user().id(), true, HOME))
                .as("another tenant's user").isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> requirement().set(boss.caller(), root.user().id(), true, HOME))
                .as("a server admin living in the tenant").isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> requirement().set(alice.caller(), alice.user().id(), false, HOME))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(audit("user.require_mfa")).isEmpty();
        assertThat(reload(gus).user().mfaRequired()).isFalse();
        assertThat(reload(root).user().mfaRequired()).isFalse();

        assertThat(requirement().set(root.caller(), gus.user().id(), true, HOME).mfaRequired()).isTrue();
        assertThat(requirement().set(operator, alice.user().id(), true, HOME).mfaRequired()).isTrue();
        AuditEntryCheck.of(lastAudit("user.require_mfa")).by("operator").about(alice);
    }
}

package org.postern.auth.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SignInResult;
import org.postern.auth.signin.TokenPair;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.SessionLevel;

/** TOTP enrolment, turning it off where allowed, recovery codes, and the admin-approved reset. */
class MfaTest extends IdentityFixture {

    private Mfa mfa() {
        return identity.mfa();
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    @Test
    void enrolmentNeedsTheFirstCodeAndReplacesTheEnrollingSession() {
        Account alice = user("alice@example.org");
        TokenPair t = tokens(alice, HOME);
        Principal p = principal(t);
        TotpSetup first = mfa().begin(p, HOME);
        secret(first.secretBase32());
        assertThat(first.toString()).doesNotContain(first.secretBase32());
        assertThat(first.otpauthUri()).startsWith("otpauth://totp/Postern:alice%40example.org?secret=" + first.secretBase32());
        // Starting again replaces the pending secret.
        TotpSetup setup = mfa().begin(p, HOME);
        secret(setup.secretBase32());
        assertThat(setup.secretBase32()).isNotEqualTo(first.secretBase32());
        assertThat(audit("mfa.enrol.start", "success")).hasSize(2);
        Phone old = new Phone(first.secretBase32());
        Phone phone = new Phone(setup.secretBase32());

        String code = phone.code();
        if (!old.code().equals(code)) {
            assertThatThrownBy(() -> mfa().confirm(p, old.code(), HOME)).isInstanceOf(AccessDeniedException.class);
        }
        assertThatThrownBy(() -> mfa().confirm(p, wrong(code), HOME)).isInstanceOf(AccessDeniedException.class);
        AuditEntryCheck.of(lastAudit("mfa.enrol")).outcome("failure").by(actor(alice)).about(alice);
        assertThat(mfa().status(p).enrolled()).isFalse();
        assertThat(signIn(alice, HOME)).as("not in force before confirmation").isInstanceOf(SignInResult.SignedIn.class);

        MfaConfirmed confirmed = mfa().confirm(p, code, HOME);
        register(confirmed.tokens());
        confirmed.recoveryCodes().forEach(this::secret);
        assertThat(confirmed.recoveryCodes()).hasSize(Mfa.RECOVERY_CODES).doesNotHaveDuplicates()
                .allSatisfy(c -> assertThat(c).matches("[0-9a-z]{4}(-[0-9a-z]{4}){3}"));
        assertThat(confirmed.toString()).doesNotContain(confirmed.recoveryCodes().getFirst());
        AuditEntryCheck.of(lastAudit("mfa.enrol")).outcome("success").by(actor(alice)).about(alice);
        assertThatThrownBy(() -> principal(t)).as("the enrolling session ended").isInstanceOf(AccessDeniedException.class);
        Principal full = principal(confirmed.tokens());
        assertThat(mfa().status(full)).isEqualTo(new Mfa.Status(true, 10));
        assertThat(outbox("alice@example.org", "security-notice"))
                .anySatisfy(n -> assertThat(n.subject()).contains("turned on"));
        assertThatThrownBy(() -> mfa().begin(full, HOME)).isInstanceOf(ConflictException.class);
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SecondFactorRequired.class);
    }

    @Test
    void adminsAndUsersOfATenantRequiringMfaCannotTurnItOff() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account root = account("root@other.test", Role.SERVER_ADMIN);
        Account gus = user("gus@other.test");
        tenantPolicy("globex", true, RiskMode.AUDIT);
        for (Account a : List.of(boss, root, gus)) {
            Enrolled e = enrol(a);
            Principal p = principal(e.tokens());
            assertThatThrownBy(() -> mfa().disable(p, e.phone().nextCode(), HOME))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("mandatory");
            AuditEntryCheck.of(lastAudit("mfa.disable")).outcome("denied").by(actor(a)).about(a)
                    .detail("reason", "mandatory");
            assertThat(mfa().status(p).enrolled()).isTrue();
        }
    }

    @Test
    void aUserMayTurnItOffWithACurrentCode() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        Principal p = principal(e.tokens());
        assertThatThrownBy(() -> mfa().disable(p, e.phone().code(), HOME)).as("a used step")
                .isInstanceOf(AccessDeniedException.class);
        AuditEntryCheck.of(lastAudit("mfa.disable")).outcome("failure").about(alice);
        mfa().disable(p, e.phone().nextCode(), HOME);
        AuditEntryCheck.of(lastAudit("mfa.disable")).outcome("success").by(actor(alice)).about(alice);
        assertThat(mfa().status(p)).isEqualTo(new Mfa.Status(false, 0));
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(outbox("alice@example.org", "security-notice"))
                .anySatisfy(n -> assertThat(n.subject()).contains("turned off"));
    }

    @Test
    void newRecoveryCodesReplaceTheOldOnes() {
        Account alice = user("alice@example.org");
        Enrolled e = enrol(alice);
        Principal p = principal(e.tokens());
        assertThatThrownBy(() -> mfa().regenerateRecoveryCodes(p, wrong(e.phone().nextCode()), HOME))
                .isInstanceOf(AccessDeniedException.class);
        AuditEntryCheck.of(lastAudit("mfa.recovery_codes")).outcome("failure").about(alice);
        List<String> fresh = mfa().regenerateRecoveryCodes(p, e.phone().nextCode(), HOME);
        fresh.forEach(this::secret);
        AuditEntryCheck.of(lastAudit("mfa.recovery_codes")).outcome("success").by(actor(alice)).about(alice);
        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(e.recoveryCodes());
        String c1 = ((SignInResult.SecondFactorRequired) signIn(alice, HOME)).challenge();
        assertThat(secondFactor(c1, e.recoveryCodes().getFirst(), HOME)).isEqualTo(new SignInResult.Refused());
        assertThat(secondFactor(c1, fresh.getFirst(), HOME)).isInstanceOf(SignInResult.SignedIn.class);
    }

    @Test
    void onlyAnAdminOfTheUsersTenantMayResetTheirSecondFactor() {
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account globexBoss = account("boss@other.test", Role.TENANT_ADMIN);
        Enrolled e = enrol(alice);
        TokenPair other = tokens(alice, e.phone(), PHONE);

        assertThatThrownBy(() -> mfa().adminReset(globexBoss.caller(), alice.user().id(), HOME))
                .as("another tenant's admin does not even see her").isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> mfa().adminReset(bob.caller(), alice.user().id(), HOME))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> mfa().adminReset(alice.caller(), alice.user().id(), HOME))
                .as("not even her own").isInstanceOf(AccessDeniedException.class);
        assertThat(audit("mfa.reset")).isEmpty();
        assertThat(mfa().status(principal(other)).enrolled()).isTrue();

        mfa().adminReset(boss.caller(), alice.user().id(), PHONE);
        AuditEntry reset = lastAudit("mfa.reset");
        AuditEntryCheck.of(reset).outcome("success").by(actor(boss)).about(alice).from(PHONE)
                .detail("removed", "true").detail("sessions_ended", "2");
        assertThatThrownBy(() -> principal(other)).as("her sessions ended at once").isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> principal(e.tokens())).isInstanceOf(AccessDeniedException.class);
        assertThat(outbox("alice@example.org", "security-notice"))
                .anySatisfy(n -> assertThat(n.subject()).contains("reset by an administrator"));
        TokenPair after = tokens(alice, HOME);
        assertThat(after.level()).as("a plain user without MFA").isEqualTo(SessionLevel.FULL);
        assertThat(mfa().status(principal(after)).enrolled()).isFalse();

        // The operator may too; an admin's own reset needs someone else.
        Enrolled bossMfa = enrol(boss);
        assertThatThrownBy(() -> mfa().adminReset(boss.caller(), boss.user().id(), HOME))
                .isInstanceOf(AccessDeniedException.class);
        mfa().adminReset(operator, boss.user().id(), HOME);
        AuditEntryCheck.of(lastAudit("mfa.reset")).by("operator").about(boss);
        assertThatThrownBy(() -> principal(bossMfa.tokens())).isInstanceOf(AccessDeniedException.class);
        assertThat(tokens(boss, HOME).level()).as("an admin must enrol again").isEqualTo(SessionLevel.ENROL_MFA);
    }

    @Test
    void aTenantAdminCannotResetTheSecondFactorOfAServerAdmin() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account root = account("root@example.org", Role.SERVER_ADMIN);
        Account deputy = account("deputy@example.org", Role.TENANT_ADMIN);
        Enrolled rootMfa = enrol(root);
        // Resetting it would let anyone holding the server admin's password enrol their own authenticator.
        assertThatThrownBy(() -> mfa().adminReset(boss.caller(), root.user().id(), HOME))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(principal(rootMfa.tokens()).session()).isPresent();
        assertThat(mfa().status(principal(rootMfa.tokens())).enrolled()).isTrue();
        // A peer is fine, and a server admin may reset anyone.
        enrol(deputy);
        mfa().adminReset(boss.caller(), deputy.user().id(), HOME);
        mfa().adminReset(new Account(root.user(), root.password()).caller(), boss.user().id(), HOME);
        assertThat(audit("mfa.reset", "success")).hasSize(2);
    }
}

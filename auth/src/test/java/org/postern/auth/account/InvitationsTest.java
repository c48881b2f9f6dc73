package org.postern.auth.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.store.User;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.SessionLevel;

/** Sign-up by invitation: who may invite whom, single use, expiry, and the unverified account it makes. */
class InvitationsTest extends IdentityFixture {
    private static final EmailAddress CAROL = EmailAddress.parse("carol@example.org");
    private static final EmailAddress CAROL_HOME = EmailAddress.parse("carol@home.example");

    private Invitations invitations() {
        return identity.invitations();
    }

    private Invitations.Created invite(org.postern.access.Caller inviter, EmailAddress login, Role role) {
        Invitations.Created c = invitations().create(inviter, login, role, HOME);
        secret(c.token());
        return c;
    }

    private String password() {
        return secret("carol walks the long dusty road 81");
    }

    @Test
    void anAcceptedInviteMakesAnUnverifiedAccountAndSendsACode() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Invitations.Created created = invite(boss.caller(), CAROL, Role.USER);
        assertThat(created.toString()).doesNotContain(created.token());
        assertThat(created.invite().tenantId()).isEqualTo(boss.user().tenantId());
        assertThat(created.invite().expiresAt()).isEqualTo(clock.instant().plus(settings.inviteLifetime()));
        AuditEntry made = lastAudit("invite.create");
        AuditEntryCheck.of(made).by(actor(boss)).outcome("success").detail("role", "user")
                .detail("invite", created.invite().id().toString()).detail("login_domain", "example.org");
        assertThat(made.tenantId()).contains(boss.user().tenantId());

        String password = password();
        User carol = invitations().accept(created.token(), password.toCharArray(), CAROL_HOME, PHONE);
        assertThat(carol.login()).isEqualTo(CAROL);
        assertThat(carol.role()).isEqualTo(Role.USER);
        AuditEntryCheck.of(lastAudit("invite.accept")).outcome("success").by("user:" + carol.id()).from(PHONE)
                .detail("invite", created.invite().id().toString());

        List<Notifier.Notice> sent = outbox("carol@home.example", "verify-email");
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst().body()).containsPattern("\\b\\d{8}\\b");
        codeSentTo("carol@home.example", "verify-email");
        var t = register(((org.postern.auth.signin.SignInResult.SignedIn) identity.signIn()
                .withPassword(CAROL.toString(), password.toCharArray(), HOME)).tokens());
        assertThat(t.level()).isEqualTo(SessionLevel.VERIFY_EMAIL);
    }

    @Test
    void anInviteWorksOnceEvenWhenTwoAcceptAtOnce() throws Exception {
        Invitations.Created created = invite(operator, CAROL, Role.USER);
        int racers = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<User>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                String password = secret("racer " + i + " takes the slow mountain train");
                results.add(pool.submit(() -> {
                    start.await();
                    return invitations().accept(created.token(), password.toCharArray(), CAROL_HOME, HOME);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<User> f : results) {
                try {
                    f.get();
                    won++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).as("the losers are told the invite is not valid")
                            .isInstanceOf(AccessDeniedException.class).hasMessage("invite not valid");
                }
            }
            assertThat(won).isEqualTo(1);
        }
        assertThat(directory.users(operator).stream().filter(u -> u.login().equals(CAROL))).hasSize(1);
        assertThat(audit("invite.accept")).hasSize(1);
        assertThat(outbox("carol@home.example", "verify-email")).hasSize(1);
        assertThatThrownBy(() -> invitations().accept(created.token(), password().toCharArray(), CAROL_HOME, HOME))
                .isInstanceOf(AccessDeniedException.class).hasMessage("invite not valid");
    }

    @Test
    void anExpiredInviteIsRefused() {
        Invitations.Created created = invite(operator, CAROL, Role.USER);
        clock.advance(settings.inviteLifetime());
        assertThatThrownBy(() -> invitations().accept(created.token(), password().toCharArray(), CAROL_HOME, HOME))
                .isInstanceOf(AccessDeniedException.class).hasMessage("invite not valid");
        assertThat(directory.user(operator, CAROL)).isEmpty();

        Invitations.Created second = invite(operator, CAROL, Role.USER);
        clock.advance(settings.inviteLifetime().minus(Duration.ofSeconds(1)));
        assertThat(invitations().accept(second.token(), password().toCharArray(), CAROL_HOME, HOME).login())
                .isEqualTo(CAROL);
    }

    @Test
    void unknownTokensAndWeakPasswordsAreRefused() {
        Invitations.Created created = invite(operator, CAROL, Role.USER);
        for (String bad : new String[] {null, "", "x".repeat(129), created.token() + "x"}) {
            assertThatThrownBy(() -> invitations().accept(bad, password().toCharArray(), CAROL_HOME, HOME))
                    .isInstanceOf(AccessDeniedException.class);
        }
        assertThatThrownBy(() -> invitations().accept(created.token(), "password1234".toCharArray(), CAROL_HOME, HOME))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> invitations().accept(created.token(), "short".toCharArray(), CAROL_HOME, HOME))
                .isInstanceOf(InvalidInputException.class);
        // Still usable after those refusals.
        assertThat(invitations().accept(created.token(), password().toCharArray(), CAROL_HOME, HOME).login())
                .isEqualTo(CAROL);
    }

    @Test
    void aTenantAdminInvitesOnlyIntoTheirTenantAndNeverAboveTheirRole() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account alice = user("alice@example.org");
        assertThatThrownBy(() -> invite(boss.caller(), EmailAddress.parse("eve@other.test"), Role.USER))
                .as("another tenant's domain is not even visible").isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> invite(boss.caller(), EmailAddress.parse("eve@example.org"), Role.SERVER_ADMIN))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> invite(alice.caller(), EmailAddress.parse("eve@example.org"), Role.USER))
                .as("a plain user invites nobody").isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> invite(alice.caller(), EmailAddress.parse("eve@example.org"), Role.TENANT_ADMIN))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> invite(boss.caller(), EmailAddress.parse("alice@example.org"), Role.USER))
                .as("taken").isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> invite(boss.caller(), EmailAddress.parse("eve@nowhere.test"), Role.USER))
                .isInstanceOf(NotFoundException.class);
        assertThat(audit("invite.create")).isEmpty();

        assertThat(invite(boss.caller(), EmailAddress.parse("deputy@example.org"), Role.TENANT_ADMIN).invite().role())
                .isEqualTo(Role.TENANT_ADMIN);
        Account root = account("root@example.org", Role.SERVER_ADMIN);
        Invitations.Created admin = invite(root.caller(), EmailAddress.parse("ops@other.test"), Role.SERVER_ADMIN);
        assertThat(admin.invite().tenantId()).isEqualTo(tenant("globex"));
        AuditEntryCheck.of(lastAudit("invite.create")).by(actor(root)).detail("role", "server-admin");
        assertThat(lastAudit("invite.create").tenantId()).contains(tenant("globex"));
    }

    @Test
    void anInvitedAdminStartsUnverifiedAndWithoutMfa() {
        Account dave = invited("dave@example.org", Role.TENANT_ADMIN, "dave@home.example");
        var t = tokens(dave, HOME);
        assertThat(t.level()).isEqualTo(SessionLevel.VERIFY_EMAIL);
        var full = identity.emailVerification().verify(principal(t), codeSentTo("dave@home.example", "verify-email"),
                HOME);
        register(full);
        assertThat(full.level()).as("verified, but an admin must enrol first").isEqualTo(SessionLevel.ENROL_MFA);
    }
}

package org.postern.mail.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Caller;
import org.postern.mail.TestMailStack;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.store.User;

/** RFC 5321 §4.5.1: where mail for {@code <Postmaster>} and {@code postmaster@} a hosted domain goes. */
class DirectoryPostmasterTest {
    private static final Caller OP = new Caller.Operator();
    private static final Caller INTAKE = new Caller.System("smtp-inbound");

    @TempDir
    Path dir;

    private TestMailStack stack;
    private Directory directory;

    @BeforeEach
    void open() {
        stack = new TestMailStack(dir);
        directory = stack.directory;
        directory.addTenant(OP, "acme");
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        directory.addDomain(OP, DomainName.parse("acme.example"), Optional.of("acme"));
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private static EmailAddress a(String s) {
        return EmailAddress.parse(s);
    }

    private User user(String login, Role role) {
        return directory.addUser(OP, a(login), role, "correct horse battery".toCharArray());
    }

    private static Optional<Recipient> accepted(RecipientCheck check) {
        return check instanceof RecipientCheck.Accepted(Recipient r) ? Optional.of(r) : Optional.empty();
    }

    @Test
    void aUsersOwnPostmasterAddressIsTheirs() {
        user("root@example.org", Role.SERVER_ADMIN);
        User pm = user("postmaster@acme.example", Role.USER);
        user("boss@acme.example", Role.TENANT_ADMIN);
        Recipient r = accepted(directory.checkRecipient(INTAKE, a("postmaster@acme.example"))).orElseThrow();
        assertThat(r.ownerId()).isEqualTo(pm.id());
        assertThat(r.addressId()).isPresent();
    }

    @Test
    void postmasterOfADomainGoesToTheFirstTenantAdminByLogin() {
        user("root@example.org", Role.SERVER_ADMIN);
        user("zed@acme.example", Role.TENANT_ADMIN);
        User first = user("anna@acme.example", Role.TENANT_ADMIN);
        user("aaron@acme.example", Role.USER);
        Recipient r = accepted(directory.checkRecipient(INTAKE, a("postmaster@acme.example"))).orElseThrow();
        assertThat(r.ownerId()).isEqualTo(first.id());
        assertThat(r.tenantId()).isEqualTo(first.tenantId());
        assertThat(r.addressId()).isEmpty();
    }

    @Test
    void aDisabledTenantAdminIsSkipped() {
        User root = user("root@example.org", Role.SERVER_ADMIN);
        user("anna@acme.example", Role.TENANT_ADMIN);
        directory.setDisabled(OP, a("anna@acme.example"), true);
        assertThat(accepted(directory.checkRecipient(INTAKE, a("postmaster@acme.example"))).orElseThrow().ownerId())
                .isEqualTo(root.id());
    }

    @Test
    void withoutATenantAdminPostmasterGoesToAServerAdmin() {
        user("zoe@example.org", Role.SERVER_ADMIN);
        User root = user("root@example.org", Role.SERVER_ADMIN);
        user("anna@acme.example", Role.USER);
        // A tenant admin of another tenant is not this domain's postmaster.
        user("admin@example.org", Role.TENANT_ADMIN);
        assertThat(accepted(directory.checkRecipient(INTAKE, a("postmaster@acme.example"))).orElseThrow().ownerId())
                .isEqualTo(root.id());
    }

    @Test
    void theBarePostmasterGoesToTheFirstServerAdminByLogin() {
        user("anna@acme.example", Role.TENANT_ADMIN);
        user("zoe@example.org", Role.SERVER_ADMIN);
        User root = user("root@example.org", Role.SERVER_ADMIN);
        assertThat(accepted(directory.checkPostmaster(INTAKE)).orElseThrow().ownerId()).isEqualTo(root.id());
    }

    @Test
    void withoutAnyAdminPostmasterIsRefused() {
        user("anna@acme.example", Role.USER);
        assertThat(directory.checkPostmaster(INTAKE)).isInstanceOf(RecipientCheck.UnknownAddress.class);
        assertThat(directory.checkRecipient(INTAKE, a("postmaster@acme.example")))
                .isInstanceOf(RecipientCheck.UnknownAddress.class);
        // Only postmaster is routed: there is still no catch-all.
        user("root@example.org", Role.SERVER_ADMIN);
        assertThat(directory.checkRecipient(INTAKE, a("hostmaster@acme.example")))
                .isInstanceOf(RecipientCheck.UnknownAddress.class);
    }

    @Test
    void aRevokedPostmasterAddressStaysRefused() {
        user("root@example.org", Role.SERVER_ADMIN);
        user("anna@acme.example", Role.TENANT_ADMIN);
        user("pm@acme.example", Role.USER);
        directory.addAddress(OP, a("pm@acme.example"), a("postmaster@acme.example"), Optional.empty());
        directory.revokeAddress(OP, a("postmaster@acme.example"));
        assertThat(directory.checkRecipient(INTAKE, a("postmaster@acme.example")))
                .isInstanceOf(RecipientCheck.UnknownAddress.class);
    }

    @Test
    void aDisabledOwnersPostmasterAddressGoesToAnAdmin() {
        User anna = user("anna@acme.example", Role.TENANT_ADMIN);
        user("pm@acme.example", Role.USER);
        directory.addAddress(OP, a("pm@acme.example"), a("postmaster@acme.example"), Optional.empty());
        directory.setDisabled(OP, a("pm@acme.example"), true);
        assertThat(accepted(directory.checkRecipient(INTAKE, a("postmaster@acme.example"))).orElseThrow().ownerId())
                .isEqualTo(anna.id());
    }

    @Test
    void postmasterOfAnUnhostedDomainIsStillNoRelay() {
        user("root@example.org", Role.SERVER_ADMIN);
        assertThat(directory.checkRecipient(INTAKE, a("postmaster@elsewhere.example")))
                .isInstanceOf(RecipientCheck.DomainNotHosted.class);
    }
}

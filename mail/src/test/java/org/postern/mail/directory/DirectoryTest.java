package org.postern.mail.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Caller;
import org.postern.mail.TestMailStack;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.model.SpecialUse;
import org.postern.store.AddressState;
import org.postern.store.Mailbox;
import org.postern.store.User;

class DirectoryTest {
    private static final Caller OP = new Caller.Operator();

    @TempDir
    Path dir;

    private TestMailStack stack;
    private Directory directory;

    @BeforeEach
    void open() {
        stack = new TestMailStack(dir);
        directory = stack.directory;
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private static EmailAddress a(String s) {
        return EmailAddress.parse(s);
    }

    private User user(String login) {
        return directory.addUser(OP, a(login), Role.USER, "correct horse battery".toCharArray());
    }

    @Test
    void domainWithoutTenantGoesToTheDefaultTenant() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        assertThat(directory.tenants(OP)).extracting(t -> t.name()).containsExactly(Directory.DEFAULT_TENANT);
        assertThat(directory.domains(OP)).extracting(d -> d.name().ascii()).containsExactly("example.org");
    }

    @Test
    void aNewUserHasEverySpecialMailboxAndTheLoginAsAnActiveAddress() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        User u = user("alice@example.org");
        var scope = stack.policy.userScope(OP, u.tenantId(), u.id());
        var boxes = stack.store.inTransaction(tx -> tx.mailboxes().list(scope, u.id()));
        assertThat(boxes).extracting(Mailbox::specialUse).extracting(Optional::orElseThrow)
                .containsExactlyInAnyOrder(SpecialUse.values());
        assertThat(directory.resolveRecipient(OP, a("alice@example.org"))).isPresent();
    }

    @Test
    void usersOnlyExistOnHostedDomains() {
        assertThatThrownBy(() -> user("bob@nowhere.example")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void shortPasswordsAreRefused() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        assertThatThrownBy(() -> directory.addUser(OP, a("bob@example.org"), Role.USER, "short".toCharArray()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("12");
    }

    @Test
    void passwordsAreStoredAsArgon2idAndVerify() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        User u = user("alice@example.org");
        assertThat(u.passwordHash()).startsWith("$argon2id$").doesNotContain("correct horse");
        assertThat(directory.verifyPassword(OP, a("alice@example.org"), "correct horse battery".toCharArray())).isPresent();
        assertThat(directory.verifyPassword(OP, a("alice@example.org"), "correct horse batterY".toCharArray())).isEmpty();
        assertThat(directory.verifyPassword(OP, a("nobody@example.org"), "correct horse battery".toCharArray())).isEmpty();
    }

    @Test
    void addressNotesAreEncryptedInTheDatabaseAndReadableByTheOwner() throws Exception {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        user("alice@example.org");
        directory.addAddress(OP, a("alice@example.org"), a("shop-x@example.org"), Optional.of("given to ZebraCanaryShop"));
        assertThat(directory.addresses(OP, Optional.of(a("alice@example.org"))))
                .filteredOn(v -> v.address().equals(a("shop-x@example.org")))
                .singleElement().satisfies(v -> assertThat(v.note()).contains("given to ZebraCanaryShop"));
        stack.close();
        for (Path f : Files.list(dir).filter(Files::isRegularFile).toList()) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                    .doesNotContain("ZebraCanaryShop");
        }
    }

    @Test
    void aRevokedAddressIsRefusedAndCanNeverBeCreatedAgain() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        user("alice@example.org");
        user("bob@example.org");
        directory.addAddress(OP, a("alice@example.org"), a("leaky@example.org"), Optional.empty());
        assertThat(directory.resolveRecipient(OP, a("leaky@example.org"))).isPresent();
        directory.revokeAddress(OP, a("leaky@example.org"));
        assertThat(directory.resolveRecipient(OP, a("leaky@example.org"))).isEmpty();
        assertThat(directory.addresses(OP, Optional.empty())).filteredOn(v -> v.address().equals(a("leaky@example.org")))
                .singleElement().satisfies(v -> {
                    assertThat(v.state()).isEqualTo(AddressState.REVOKED);
                    assertThat(v.revokedAt()).isPresent();
                });
        assertThatThrownBy(() -> directory.revokeAddress(OP, a("leaky@example.org"))).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> directory.addAddress(OP, a("bob@example.org"), a("leaky@example.org"), Optional.empty()))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void unknownAddressesAndDisabledUsersGetNoMail() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        user("alice@example.org");
        assertThat(directory.resolveRecipient(OP, a("anything@example.org"))).isEmpty();
        assertThat(directory.resolveRecipient(OP, a("alice@other.example"))).isEmpty();
        directory.setDisabled(OP, a("alice@example.org"), true);
        assertThat(directory.resolveRecipient(OP, a("alice@example.org"))).isEmpty();
        directory.setDisabled(OP, a("alice@example.org"), false);
        assertThat(directory.resolveRecipient(OP, a("alice@example.org"))).isPresent();
    }

    @Test
    void anAddressMustBeOnADomainOfTheOwnersTenant() {
        directory.addTenant(OP, "acme");
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        directory.addDomain(OP, DomainName.parse("acme.example"), Optional.of("acme"));
        user("alice@example.org");
        assertThatThrownBy(() -> directory.addAddress(OP, a("alice@example.org"), a("x@acme.example"), Optional.empty()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aUserOfAnotherTenantSeesNothingOfThisOne() {
        directory.addTenant(OP, "acme");
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        directory.addDomain(OP, DomainName.parse("acme.example"), Optional.of("acme"));
        User alice = user("alice@example.org");
        directory.addAddress(OP, a("alice@example.org"), a("secret-shop@example.org"), Optional.of("note"));
        User mallory = directory.addUser(OP, a("mallory@acme.example"), Role.TENANT_ADMIN,
                "correct horse battery".toCharArray());
        Caller asMallory = new Caller.User(mallory.tenantId(), mallory.id(), mallory.role());
        assertThat(directory.addresses(asMallory, Optional.empty())).extracting(v -> v.address().toString())
                .containsExactly("mallory@acme.example");
        assertThat(directory.users(asMallory)).extracting(User::id).containsExactly(mallory.id());
        assertThat(directory.domains(asMallory)).extracting(d -> d.name().ascii()).containsExactly("acme.example");
        assertThatThrownBy(() -> directory.revokeAddress(asMallory, a("secret-shop@example.org")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> directory.addresses(asMallory, Optional.of(a("alice@example.org"))))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> directory.addAddress(asMallory, a("alice@example.org"), a("x@example.org"), Optional.empty()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> stack.policy.userScope(asMallory, alice.tenantId(), alice.id()))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> directory.addTenant(asMallory, "evil")).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aDomainWithActiveUsersCannotBeRemoved() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        user("alice@example.org");
        assertThatThrownBy(() -> directory.removeDomain(OP, DomainName.parse("example.org")))
                .isInstanceOf(ConflictException.class);
        directory.setDisabled(OP, a("alice@example.org"), true);
        directory.revokeAddress(OP, a("alice@example.org"));
        directory.removeDomain(OP, DomainName.parse("example.org"));
        assertThat(directory.domains(OP)).isEmpty();
    }

    @Test
    void tenantNamesAreValidated() {
        assertThatThrownBy(() -> directory.addTenant(OP, "")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> directory.addTenant(OP, "bad\nname")).isInstanceOf(InvalidInputException.class);
        directory.addTenant(OP, "Acme Corp");
        assertThatThrownBy(() -> directory.addTenant(OP, "Acme Corp")).isInstanceOf(ConflictException.class);
    }

    @Test
    void theOperatorCreatesServerAdminsAndATenantAdminCannot() {
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        User root = directory.addUser(OP, a("root@example.org"), Role.SERVER_ADMIN, "correct horse battery".toCharArray());
        assertThat(root.role()).isEqualTo(Role.SERVER_ADMIN);
        User admin = directory.addUser(OP, a("admin@example.org"), Role.TENANT_ADMIN, "correct horse battery".toCharArray());
        Caller asAdmin = new Caller.User(admin.tenantId(), admin.id(), admin.role());
        assertThatThrownBy(() -> directory.addUser(asAdmin, a("evil@example.org"), Role.SERVER_ADMIN,
                "correct horse battery".toCharArray())).isInstanceOf(AccessDeniedException.class);
        assertThat(directory.addUser(asAdmin, a("staff@example.org"), Role.USER, "correct horse battery".toCharArray())
                .tenantId()).isEqualTo(admin.tenantId());
    }
}

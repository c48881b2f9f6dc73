package org.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.AddressId;
import org.postern.model.BlobId;
import org.postern.model.ConflictException;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.model.SpecialUse;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.queue.QueuedMessage;
import org.postern.store.queue.QueuedRecipient;
import org.postern.store.queue.RecipientState;

/**
 * What every {@link MetadataStore} must do. A backend's test implements this interface, opens a
 * store before each test and closes it after. Tests never assume an empty database: they create
 * their own tenants with random names, so a backend may share one database across tests.
 */
public interface MetadataStoreContract {
    AccessPolicy POLICY = new AccessPolicy();
    Caller OPERATOR = new Caller.Operator();
    String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

    /** The store under test, opened before each test. */
    MetadataStore store();

    /** Closes {@link #store()} and opens a new store on the same database; store() then returns it. */
    MetadataStore reopen();

    // ---------------------------------------------------------------- fixtures

    static Scope server() {
        return POLICY.scopeFor(OPERATOR);
    }

    static Scope tenantScope(TenantId tenant) {
        return POLICY.tenantScope(OPERATOR, tenant);
    }

    static Scope userScope(User user) {
        return POLICY.userScope(OPERATOR, user.tenantId(), user.id());
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    static DomainName uniqueDomain() {
        return new DomainName(unique("d") + ".example");
    }

    static EmailAddress uniqueAddress() {
        return new EmailAddress(unique("a"), new DomainName("mail.example"));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Instant millis(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    default <T> T tx(MetadataStore.Work<T> work) {
        return store().inTransaction(work);
    }

    default Tenant newTenant() {
        return tx((Repositories r) -> r.tenants().create(server(), unique("tenant")));
    }

    default User newUser(Tenant tenant) {
        return tx((Repositories r) -> r.users().create(tenantScope(tenant.id()), tenant.id(), uniqueAddress(), Role.USER, HASH));
    }

    default Mailbox newMailbox(User owner, String name) {
        return tx((Repositories r) -> r.mailboxes().create(userScope(owner), owner.tenantId(), owner.id(), name, Optional.empty()));
    }

    static NewMessage newMessage(Set<String> flags) {
        return new NewMessage(MessageId.random(), flags, Instant.parse("2026-11-02T10:15:30.123Z"), 1234,
                bytes("sealed summary"), BlobId.random());
    }

    default StoredMessage append(User owner, Mailbox mailbox) {
        return tx((Repositories r) -> r.messages().append(userScope(owner), mailbox.id(), newMessage(Set.of())));
    }

    /** Two tenants: A with users a1 and a2, B with user b1, each user with an INBOX. */
    record World(Tenant a, Tenant b, User a1, User a2, User b1, Mailbox a1Inbox, Mailbox a2Inbox, Mailbox b1Inbox) {}

    default World world() {
        Tenant a = newTenant();
        Tenant b = newTenant();
        User a1 = newUser(a);
        User a2 = newUser(a);
        User b1 = newUser(b);
        return new World(a, b, a1, a2, b1, inbox(a1), inbox(a2), inbox(b1));
    }

    private Mailbox inbox(User owner) {
        return tx((Repositories r) -> r.mailboxes().create(userScope(owner), owner.tenantId(), owner.id(), "INBOX",
                Optional.of(SpecialUse.INBOX)));
    }

    // ---------------------------------------------------------------- tenants

    @Test
    default void tenantIsCreatedAndReadBack() {
        String name = unique("acme");
        Tenant created = tx((Repositories r) -> r.tenants().create(server(), name));
        assertThat(created.name()).isEqualTo(name);
        assertThat(tx((Repositories r) -> r.tenants().byId(server(), created.id()))).contains(created);
        assertThat(tx((Repositories r) -> r.tenants().byName(server(), name))).contains(created);
        assertThat(tx((Repositories r) -> r.tenants().list(server()))).contains(created);
        assertThat(tx((Repositories r) -> r.tenants().byName(server(), unique("nobody")))).isEmpty();
    }

    @Test
    default void tenantNamesAreUnique() {
        String name = unique("acme");
        tx((Repositories r) -> r.tenants().create(server(), name));
        assertThatThrownBy(() -> tx((Repositories r) -> r.tenants().create(server(), name)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("tenant name");
    }

    @Test
    default void creatingATenantNeedsAServerWideScope() {
        Tenant a = newTenant();
        assertThatThrownBy(() -> tx((Repositories r) -> r.tenants().create(tenantScope(a.id()), unique("sneaky"))))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    default void aTenantScopeSeesOnlyItsOwnTenant() {
        Tenant a = newTenant();
        Tenant b = newTenant();
        Scope scopeB = tenantScope(b.id());
        assertThat(tx((Repositories r) -> r.tenants().list(scopeB))).containsExactly(b);
        assertThat(tx((Repositories r) -> r.tenants().byId(scopeB, a.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.tenants().byName(scopeB, a.name()))).isEmpty();
        assertThat(tx((Repositories r) -> r.tenants().byId(scopeB, b.id()))).contains(b);
    }

    // ---------------------------------------------------------------- domains

    @Test
    default void domainIsAddedListedAndRemoved() {
        Tenant a = newTenant();
        DomainName name = uniqueDomain();
        Domain added = tx((Repositories r) -> r.domains().add(tenantScope(a.id()), a.id(), name));
        assertThat(added.tenantId()).isEqualTo(a.id());
        assertThat(tx((Repositories r) -> r.domains().byName(server(), name))).contains(added);
        assertThat(tx((Repositories r) -> r.domains().list(tenantScope(a.id())))).containsExactly(added);
        assertThat(tx((Repositories r) -> r.domains().remove(tenantScope(a.id()), name))).isTrue();
        assertThat(tx((Repositories r) -> r.domains().byName(server(), name))).isEmpty();
        assertThat(tx((Repositories r) -> r.domains().remove(tenantScope(a.id()), name))).isFalse();
    }

    @Test
    default void aDomainIsHostedOnlyOnceOnTheServer() {
        Tenant a = newTenant();
        Tenant b = newTenant();
        DomainName name = uniqueDomain();
        tx((Repositories r) -> r.domains().add(server(), a.id(), name));
        assertThatThrownBy(() -> tx((Repositories r) -> r.domains().add(server(), a.id(), name)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("domain already hosted");
        assertThatThrownBy(() -> tx((Repositories r) -> r.domains().add(tenantScope(b.id()), b.id(), name)))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    default void anotherTenantsDomainsAreInvisibleAndUntouchable() {
        World w = world();
        DomainName name = uniqueDomain();
        Domain domainA = tx((Repositories r) -> r.domains().add(tenantScope(w.a().id()), w.a().id(), name));
        Scope scopeB = tenantScope(w.b().id());
        assertThat(tx((Repositories r) -> r.domains().list(scopeB))).isEmpty();
        assertThat(tx((Repositories r) -> r.domains().byName(scopeB, name))).isEmpty();
        assertThat(tx((Repositories r) -> r.domains().remove(scopeB, name))).isFalse();
        assertThatThrownBy(() -> tx((Repositories r) -> r.domains().add(scopeB, w.a().id(), uniqueDomain())))
                .isInstanceOf(NotFoundException.class);
        // A user may read its own tenant's domains but not change them.
        assertThat(tx((Repositories r) -> r.domains().list(userScope(w.a1())))).containsExactly(domainA);
        assertThat(tx((Repositories r) -> r.domains().remove(userScope(w.a1()), name))).isFalse();
        assertThatThrownBy(() -> tx((Repositories r) -> r.domains().add(userScope(w.a1()), w.a().id(), uniqueDomain())))
                .isInstanceOf(NotFoundException.class);
        assertThat(tx((Repositories r) -> r.domains().byName(server(), name))).contains(domainA);
    }

    @Test
    default void addingADomainToAMissingTenantIsNotFound() {
        assertThatThrownBy(() -> tx((Repositories r) -> r.domains().add(server(), TenantId.random(), uniqueDomain())))
                .isInstanceOf(NotFoundException.class);
    }

    // ---------------------------------------------------------------- users

    @Test
    default void userIsCreatedAndReadBack() {
        Tenant a = newTenant();
        EmailAddress login = uniqueAddress();
        User user = tx((Repositories r) -> r.users().create(tenantScope(a.id()), a.id(), login, Role.TENANT_ADMIN, HASH));
        assertThat(user.tenantId()).isEqualTo(a.id());
        assertThat(user.role()).isEqualTo(Role.TENANT_ADMIN);
        assertThat(user.disabled()).isFalse();
        assertThat(tx((Repositories r) -> r.users().byId(server(), user.id()))).contains(user);
        assertThat(tx((Repositories r) -> r.users().byLogin(server(), login))).contains(user);
        assertThat(tx((Repositories r) -> r.users().list(tenantScope(a.id())))).containsExactly(user);
    }

    @Test
    default void loginsAreUniqueAcrossTenants() {
        Tenant a = newTenant();
        Tenant b = newTenant();
        EmailAddress login = uniqueAddress();
        tx((Repositories r) -> r.users().create(server(), a.id(), login, Role.USER, HASH));
        assertThatThrownBy(() -> tx((Repositories r) -> r.users().create(server(), b.id(), login, Role.USER, HASH)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("login");
    }

    @Test
    default void usersCanBeDisabledAndGetANewPasswordHash() {
        Tenant a = newTenant();
        User user = newUser(a);
        assertThat(tx((Repositories r) -> r.users().setDisabled(tenantScope(a.id()), user.id(), true))).isTrue();
        assertThat(tx((Repositories r) -> r.users().byId(server(), user.id())).orElseThrow().disabled()).isTrue();
        assertThat(tx((Repositories r) -> r.users().setPasswordHash(userScope(user), user.id(), HASH + "x"))).isTrue();
        assertThat(tx((Repositories r) -> r.users().byId(server(), user.id())).orElseThrow().passwordHash()).isEqualTo(HASH + "x");
        assertThat(tx((Repositories r) -> r.users().setDisabled(server(), UserId.random(), true))).isFalse();
    }

    @Test
    default void rolesChangeOnlyWithinTheScopeAndServerAdminsOnlyServerWide() {
        World w = world();
        Scope tenantA = tenantScope(w.a().id());
        assertThat(tx((Repositories r) -> r.users().setRole(tenantA, w.a1().id(), Role.TENANT_ADMIN))).isTrue();
        assertThat(tx((Repositories r) -> r.users().byId(server(), w.a1().id())).orElseThrow().role()).isEqualTo(Role.TENANT_ADMIN);
        assertThat(tx((Repositories r) -> r.users().setRole(tenantA, w.a1().id(), Role.SERVER_ADMIN)))
                .as("a tenant scope cannot make a server admin").isFalse();
        assertThat(tx((Repositories r) -> r.users().setRole(tenantScope(w.b().id()), w.a1().id(), Role.USER)))
                .as("another tenant's user").isFalse();
        assertThatThrownBy(() -> tx((Repositories r) -> r.users().setRole(userScope(w.a2()), w.a2().id(), Role.TENANT_ADMIN)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(tx((Repositories r) -> r.users().setRole(server(), w.a1().id(), Role.SERVER_ADMIN))).isTrue();
        assertThat(tx((Repositories r) -> r.users().setRole(tenantA, w.a1().id(), Role.USER)))
                .as("a tenant scope cannot unmake a server admin").isFalse();
        assertThat(tx((Repositories r) -> r.users().byId(server(), w.a1().id())).orElseThrow().role()).isEqualTo(Role.SERVER_ADMIN);
    }

    @Test
    default void theMfaRequiredSwitchChangesOnlyWithinTheScopeAndNeverFromAUserScope() {
        World w = world();
        Scope tenantA = tenantScope(w.a().id());
        assertThat(w.a1().mfaRequired()).as("off by default").isFalse();
        assertThat(tx((Repositories r) -> r.users().setMfaRequired(tenantA, w.a1().id(), true))).isTrue();
        assertThat(tx((Repositories r) -> r.users().byId(server(), w.a1().id())).orElseThrow().mfaRequired()).isTrue();
        assertThat(tx((Repositories r) -> r.users().list(tenantA)).stream().filter(User::mfaRequired).map(User::id))
                .containsExactly(w.a1().id());
        assertThat(tx((Repositories r) -> r.users().setMfaRequired(tenantScope(w.b().id()), w.a1().id(), false)))
                .as("another tenant's user").isFalse();
        assertThat(tx((Repositories r) -> r.users().byId(server(), w.a1().id())).orElseThrow().mfaRequired()).isTrue();
        assertThatThrownBy(() -> tx((Repositories r) -> r.users().setMfaRequired(userScope(w.a1()), w.a1().id(), false)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(tx((Repositories r) -> r.users().setMfaRequired(tenantA, w.a1().id(), false))).isTrue();
        assertThat(tx((Repositories r) -> r.users().byId(server(), w.a1().id())).orElseThrow().mfaRequired()).isFalse();

        assertThat(tx((Repositories r) -> r.users().setRole(server(), w.a2().id(), Role.SERVER_ADMIN))).isTrue();
        assertThat(tx((Repositories r) -> r.users().setMfaRequired(tenantA, w.a2().id(), true)))
                .as("a tenant scope does not touch a server admin").isFalse();
        assertThat(tx((Repositories r) -> r.users().setMfaRequired(server(), w.a2().id(), true))).isTrue();
        assertThat(tx((Repositories r) -> r.users().setMfaRequired(server(), UserId.random(), true))).isFalse();
    }

    @Test
    default void usersOfAnotherTenantOrAnotherUserAreOutOfScope() {
        World w = world();
        Scope scopeB = tenantScope(w.b().id());
        assertThat(tx((Repositories r) -> r.users().list(scopeB))).containsExactly(w.b1());
        assertThat(tx((Repositories r) -> r.users().byId(scopeB, w.a1().id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.users().byLogin(scopeB, w.a1().login()))).isEmpty();
        assertThat(tx((Repositories r) -> r.users().setDisabled(scopeB, w.a1().id(), true))).isFalse();
        assertThat(tx((Repositories r) -> r.users().setPasswordHash(scopeB, w.a1().id(), "x"))).isFalse();
        assertThatThrownBy(() -> tx((Repositories r) -> r.users().create(scopeB, w.a().id(), uniqueAddress(), Role.USER, HASH)))
                .isInstanceOf(NotFoundException.class);

        Scope a2 = userScope(w.a2());
        assertThat(tx((Repositories r) -> r.users().list(a2))).containsExactly(w.a2());
        assertThat(tx((Repositories r) -> r.users().byId(a2, w.a1().id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.users().setDisabled(a2, w.a1().id(), true))).isFalse();
        assertThatThrownBy(() -> tx((Repositories r) -> r.users().create(a2, w.a().id(), uniqueAddress(), Role.USER, HASH)))
                .isInstanceOf(NotFoundException.class);

        User a1 = tx((Repositories r) -> r.users().byId(server(), w.a1().id())).orElseThrow();
        assertThat(a1.disabled()).isFalse();
        assertThat(a1.passwordHash()).isEqualTo(HASH);
    }

    @Test
    default void onlyAServerWideScopeCreatesAServerAdmin() {
        Tenant a = newTenant();
        assertThatThrownBy(() -> tx((Repositories r) -> r.users().create(tenantScope(a.id()), a.id(), uniqueAddress(),
                Role.SERVER_ADMIN, HASH))).isInstanceOf(AccessDeniedException.class);
        User admin = tx((Repositories r) -> r.users().create(server(), a.id(), uniqueAddress(), Role.SERVER_ADMIN, HASH));
        assertThat(admin.role()).isEqualTo(Role.SERVER_ADMIN);
    }

    @Test
    default void creatingAUserInAMissingTenantIsNotFound() {
        assertThatThrownBy(() -> tx((Repositories r) -> r.users().create(server(), TenantId.random(), uniqueAddress(), Role.USER,
                HASH))).isInstanceOf(NotFoundException.class);
    }

    // ---------------------------------------------------------------- addresses

    @Test
    default void addressIsCreatedAndFound() {
        World w = world();
        EmailAddress address = uniqueAddress();
        Address created = tx((Repositories r) -> r.addresses().create(userScope(w.a1()), w.a().id(), w.a1().id(), address,
                bytes("given to the bakery")));
        Address noNote = tx((Repositories r) -> r.addresses().create(userScope(w.a1()), w.a().id(), w.a1().id(), uniqueAddress(),
                null));
        assertThat(created.isActive()).isTrue();
        assertThat(created.revokedAt()).isEmpty();

        Address read = tx((Repositories r) -> r.addresses().byAddress(server(), address)).orElseThrow();
        assertThat(read.id()).isEqualTo(created.id());
        assertThat(read.ownerId()).isEqualTo(w.a1().id());
        assertThat(read.tenantId()).isEqualTo(w.a().id());
        assertThat(read.state()).isEqualTo(AddressState.ACTIVE);
        assertThat(read.createdAt()).isEqualTo(created.createdAt());
        assertThat(read.sealedNote()).isEqualTo(bytes("given to the bakery"));
        assertThat(tx((Repositories r) -> r.addresses().byId(userScope(w.a1()), noNote.id())).orElseThrow().sealedNote()).isNull();
        assertThat(tx((Repositories r) -> r.addresses().list(userScope(w.a1()), Optional.empty())))
                .extracting(Address::id).containsExactlyInAnyOrder(created.id(), noNote.id());
        assertThat(tx((Repositories r) -> r.addresses().list(tenantScope(w.a().id()), Optional.of(w.a2().id())))).isEmpty();
    }

    @Test
    default void addressesAreUniqueAcrossTenants() {
        World w = world();
        EmailAddress address = uniqueAddress();
        tx((Repositories r) -> r.addresses().create(server(), w.a().id(), w.a1().id(), address, null));
        assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(server(), w.b().id(), w.b1().id(), address, null)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("address already exists");
    }

    @Test
    default void revokingIsPermanentAndTheAddressIsNeverCreatedAgain() {
        World w = world();
        EmailAddress address = uniqueAddress();
        Address created = tx((Repositories r) -> r.addresses().create(userScope(w.a1()), w.a().id(), w.a1().id(), address, null));
        Instant at = millis(Instant.now());
        assertThat(tx((Repositories r) -> r.addresses().revoke(userScope(w.a1()), created.id(), at))).isTrue();
        Address revoked = tx((Repositories r) -> r.addresses().byId(server(), created.id())).orElseThrow();
        assertThat(revoked.state()).isEqualTo(AddressState.REVOKED);
        assertThat(revoked.isActive()).isFalse();
        assertThat(revoked.revokedAt()).contains(at);

        assertThat(tx((Repositories r) -> r.addresses().revoke(server(), created.id(), Instant.now()))).isFalse();
        assertThat(tx((Repositories r) -> r.addresses().byId(server(), created.id())).orElseThrow().revokedAt()).contains(at);
        assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(server(), w.a().id(), w.a1().id(), address, null)))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(server(), w.b().id(), w.b1().id(), address, null)))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    default void anotherTenantsOrUsersAddressesAreInvisibleAndUnrevocable() {
        World w = world();
        EmailAddress address = uniqueAddress();
        Address mine = tx((Repositories r) -> r.addresses().create(userScope(w.a1()), w.a().id(), w.a1().id(), address, null));
        for (Scope outsider : List.of(tenantScope(w.b().id()), userScope(w.b1()), userScope(w.a2()))) {
            assertThat(tx((Repositories r) -> r.addresses().byId(outsider, mine.id()))).isEmpty();
            assertThat(tx((Repositories r) -> r.addresses().byAddress(outsider, address))).isEmpty();
            assertThat(tx((Repositories r) -> r.addresses().list(outsider, Optional.empty()))).isEmpty();
            assertThat(tx((Repositories r) -> r.addresses().list(outsider, Optional.of(w.a1().id())))).isEmpty();
            assertThat(tx((Repositories r) -> r.addresses().revoke(outsider, mine.id(), Instant.now()))).isFalse();
            assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(outsider, w.a().id(), w.a1().id(), uniqueAddress(),
                    null))).isInstanceOf(NotFoundException.class);
        }
        assertThat(tx((Repositories r) -> r.addresses().byId(server(), mine.id())).orElseThrow().isActive()).isTrue();
        assertThat(tx((Repositories r) -> r.addresses().list(tenantScope(w.a().id()), Optional.empty()))).hasSize(1);
    }

    @Test
    default void anAddressCannotBeGivenToAUserOfAnotherTenant() {
        World w = world();
        // Tenant A's admin names tenant A but B's user: the owner is not in the tenant.
        assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(tenantScope(w.a().id()), w.a().id(), w.b1().id(),
                uniqueAddress(), null))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(server(), w.a().id(), w.b1().id(), uniqueAddress(),
                null))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(server(), w.a().id(), UserId.random(), uniqueAddress(),
                null))).isInstanceOf(NotFoundException.class);
        assertThat(tx((Repositories r) -> r.addresses().list(server(), Optional.of(w.b1().id())))).isEmpty();
    }

    @Test
    default void unknownAddressIdsAreEmpty() {
        assertThat(tx((Repositories r) -> r.addresses().byId(server(), AddressId.random()))).isEmpty();
        assertThat(tx((Repositories r) -> r.addresses().revoke(server(), AddressId.random(), Instant.now()))).isFalse();
    }

    // ---------------------------------------------------------------- data keys

    @Test
    default void dataKeyIsInsertedRewrappedAndDeleted() {
        World w = world();
        Instant created = millis(Instant.now());
        WrappedDataKey key = new WrappedDataKey(w.a().id(), w.a1().id(), "master-1", bytes("wrapped-1"), created);
        tx((Repositories r) -> {
            r.dataKeys().insert(userScope(w.a1()), key);
            return null;
        });
        WrappedDataKey read = tx((Repositories r) -> r.dataKeys().byOwner(userScope(w.a1()), w.a1().id())).orElseThrow();
        assertThat(read.masterKeyId()).isEqualTo("master-1");
        assertThat(read.wrapped()).isEqualTo(bytes("wrapped-1"));
        assertThat(read.createdAt()).isEqualTo(created);
        assertThat(read.tenantId()).isEqualTo(w.a().id());
        assertThat(tx((Repositories r) -> r.dataKeys().list(tenantScope(w.a().id())))).extracting(WrappedDataKey::ownerId)
                .containsExactly(w.a1().id());

        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.dataKeys().insert(server(), key);
            return null;
        })).isInstanceOf(ConflictException.class);

        assertThat(tx((Repositories r) -> r.dataKeys().rewrap(server(), w.a1().id(), "master-2", bytes("wrapped-2")))).isTrue();
        WrappedDataKey rewrapped = tx((Repositories r) -> r.dataKeys().byOwner(server(), w.a1().id())).orElseThrow();
        assertThat(rewrapped.masterKeyId()).isEqualTo("master-2");
        assertThat(rewrapped.wrapped()).isEqualTo(bytes("wrapped-2"));
        assertThat(rewrapped.createdAt()).isEqualTo(created);

        assertThat(tx((Repositories r) -> r.dataKeys().delete(tenantScope(w.a().id()), w.a1().id()))).isTrue();
        assertThat(tx((Repositories r) -> r.dataKeys().byOwner(server(), w.a1().id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.dataKeys().delete(server(), w.a1().id()))).isFalse();
        assertThat(tx((Repositories r) -> r.dataKeys().rewrap(server(), w.a1().id(), "master-3", bytes("w")))).isFalse();
    }

    @Test
    default void anotherTenantsOrUsersDataKeysAreOutOfScope() {
        World w = world();
        WrappedDataKey key = new WrappedDataKey(w.a().id(), w.a1().id(), "master-1", bytes("wrapped"),
                millis(Instant.now()));
        tx((Repositories r) -> {
            r.dataKeys().insert(server(), key);
            return null;
        });
        for (Scope outsider : List.of(tenantScope(w.b().id()), userScope(w.b1()), userScope(w.a2()))) {
            assertThat(tx((Repositories r) -> r.dataKeys().byOwner(outsider, w.a1().id()))).isEmpty();
            assertThat(tx((Repositories r) -> r.dataKeys().list(outsider))).isEmpty();
            assertThat(tx((Repositories r) -> r.dataKeys().rewrap(outsider, w.a1().id(), "evil", bytes("evil")))).isFalse();
            assertThat(tx((Repositories r) -> r.dataKeys().delete(outsider, w.a1().id()))).isFalse();
            assertThatThrownBy(() -> tx((Repositories r) -> {
                // a1 already has a key: an outsider must learn "not found", not "conflict".
                r.dataKeys().insert(outsider, new WrappedDataKey(w.a().id(), w.a1().id(), "m", bytes("w"),
                        Instant.now()));
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        assertThat(tx((Repositories r) -> r.dataKeys().byOwner(server(), w.a1().id())).orElseThrow().masterKeyId())
                .isEqualTo("master-1");
        // A key row naming tenant A with B's user is refused even with a server-wide scope.
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.dataKeys().insert(server(), new WrappedDataKey(w.a().id(), w.b1().id(), "m", bytes("w"), Instant.now()));
            return null;
        })).isInstanceOf(NotFoundException.class);
    }

    // ---------------------------------------------------------------- DKIM keys

    static DkimKey dkimKey(Tenant t, DomainName domain, String selector, DkimAlgorithm algorithm, DkimKeyState state,
            Instant createdAt) {
        return new DkimKey(t.id(), domain, selector, algorithm, bytes("public " + selector), bytes("sealed " + selector),
                millis(createdAt), state);
    }

    default Domain newDomain(Tenant t) {
        DomainName name = uniqueDomain();
        return tx((Repositories r) -> r.domains().add(tenantScope(t.id()), t.id(), name));
    }

    @Test
    default void dkimKeysAreStoredListedRetiredAndDeleted() {
        Tenant a = newTenant();
        Domain d = newDomain(a);
        Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
        DkimKey ed = dkimKey(a, d.name(), "pe202611e", DkimAlgorithm.ED25519, DkimKeyState.ACTIVE, t0);
        DkimKey rsa = dkimKey(a, d.name(), "pe202611r", DkimAlgorithm.RSA_SHA256, DkimKeyState.ACTIVE, t0.plusSeconds(1));
        tx((Repositories r) -> {
            r.dkimKeys().insert(tenantScope(a.id()), ed);
            r.dkimKeys().insert(tenantScope(a.id()), rsa);
            return null;
        });
        List<DkimKey> read = tx((Repositories r) -> r.dkimKeys().byDomain(tenantScope(a.id()), d.name()));
        assertThat(read).extracting(DkimKey::selector).containsExactly("pe202611e", "pe202611r");
        DkimKey first = read.get(0);
        assertThat(first.tenantId()).isEqualTo(a.id());
        assertThat(first.domain()).isEqualTo(d.name());
        assertThat(first.algorithm()).isEqualTo(DkimAlgorithm.ED25519);
        assertThat(first.publicKey()).isEqualTo(bytes("public pe202611e"));
        assertThat(first.sealedPrivateKey()).isEqualTo(bytes("sealed pe202611e"));
        assertThat(first.createdAt()).isEqualTo(t0);
        assertThat(first.state()).isEqualTo(DkimKeyState.ACTIVE);
        assertThat(tx((Repositories r) -> r.dkimKeys().list(server()))).extracting(DkimKey::selector)
                .contains("pe202611e", "pe202611r");

        assertThat(tx((Repositories r) -> r.dkimKeys().setState(tenantScope(a.id()), d.name(), "pe202611e",
                DkimKeyState.RETIRED))).isTrue();
        assertThat(tx((Repositories r) -> r.dkimKeys().reseal(tenantScope(a.id()), d.name(), "pe202611e",
                bytes("resealed")))).isTrue();
        DkimKey changed = tx((Repositories r) -> r.dkimKeys().byDomain(server(), d.name())).get(0);
        assertThat(changed.state()).isEqualTo(DkimKeyState.RETIRED);
        assertThat(changed.sealedPrivateKey()).isEqualTo(bytes("resealed"));

        assertThat(tx((Repositories r) -> r.dkimKeys().delete(tenantScope(a.id()), d.name(), "pe202611e"))).isTrue();
        assertThat(tx((Repositories r) -> r.dkimKeys().delete(tenantScope(a.id()), d.name(), "pe202611e"))).isFalse();
        assertThat(tx((Repositories r) -> r.dkimKeys().byDomain(server(), d.name()))).extracting(DkimKey::selector)
                .containsExactly("pe202611r");
    }

    @Test
    default void aDkimSelectorIsUniquePerDomainButNotAcrossDomains() {
        Tenant a = newTenant();
        Domain d1 = newDomain(a);
        Domain d2 = newDomain(a);
        Instant now = Instant.now();
        tx((Repositories r) -> {
            r.dkimKeys().insert(server(), dkimKey(a, d1.name(), "pe202611e", DkimAlgorithm.ED25519, DkimKeyState.ACTIVE, now));
            r.dkimKeys().insert(server(), dkimKey(a, d2.name(), "pe202611e", DkimAlgorithm.ED25519, DkimKeyState.ACTIVE, now));
            return null;
        });
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.dkimKeys().insert(server(), dkimKey(a, d1.name(), "pe202611e", DkimAlgorithm.RSA_SHA256,
                    DkimKeyState.ACTIVE, now));
            return null;
        })).isInstanceOf(ConflictException.class);
    }

    @Test
    default void dkimKeysStayInsideTheirTenant() {
        World w = world();
        Domain da = newDomain(w.a());
        Domain db = newDomain(w.b());
        Instant now = Instant.now();
        tx((Repositories r) -> {
            r.dkimKeys().insert(tenantScope(w.a().id()), dkimKey(w.a(), da.name(), "sa", DkimAlgorithm.ED25519,
                    DkimKeyState.ACTIVE, now));
            r.dkimKeys().insert(tenantScope(w.b().id()), dkimKey(w.b(), db.name(), "sb", DkimAlgorithm.ED25519,
                    DkimKeyState.ACTIVE, now));
            return null;
        });
        Scope scopeB = tenantScope(w.b().id());
        assertThat(tx((Repositories r) -> r.dkimKeys().byDomain(scopeB, da.name()))).isEmpty();
        assertThat(tx((Repositories r) -> r.dkimKeys().list(scopeB))).extracting(DkimKey::selector).containsExactly("sb");
        assertThat(tx((Repositories r) -> r.dkimKeys().setState(scopeB, da.name(), "sa", DkimKeyState.RETIRED))).isFalse();
        assertThat(tx((Repositories r) -> r.dkimKeys().reseal(scopeB, da.name(), "sa", bytes("x")))).isFalse();
        assertThat(tx((Repositories r) -> r.dkimKeys().delete(scopeB, da.name(), "sa"))).isFalse();
        // Tenant B cannot put a key on tenant A's domain, neither in its own name nor in A's.
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.dkimKeys().insert(scopeB, dkimKey(w.b(), da.name(), "evil", DkimAlgorithm.ED25519, DkimKeyState.ACTIVE, now));
            return null;
        })).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.dkimKeys().insert(scopeB, dkimKey(w.a(), da.name(), "evil", DkimAlgorithm.ED25519, DkimKeyState.ACTIVE, now));
            return null;
        })).isInstanceOf(NotFoundException.class);
        // A user scope reads its tenant's keys but changes nothing.
        Scope user = userScope(w.a1());
        assertThat(tx((Repositories r) -> r.dkimKeys().byDomain(user, da.name()))).hasSize(1);
        assertThat(tx((Repositories r) -> r.dkimKeys().delete(user, da.name(), "sa"))).isFalse();
        assertThat(tx((Repositories r) -> r.dkimKeys().byDomain(server(), da.name()))).hasSize(1);
    }

    @Test
    default void aDkimKeyNeedsAValidSelectorAndAHostedDomain() {
        Tenant a = newTenant();
        Domain d = newDomain(a);
        Instant now = Instant.now();
        for (String bad : List.of("", "UPPER", "has.dot", "-lead", "semi;colon", "x".repeat(64))) {
            assertThatThrownBy(() -> tx((Repositories r) -> {
                r.dkimKeys().insert(server(), dkimKey(a, d.name(), bad, DkimAlgorithm.ED25519, DkimKeyState.ACTIVE, now));
                return null;
            })).as(bad).isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.dkimKeys().insert(server(), dkimKey(a, uniqueDomain(), "s1", DkimAlgorithm.ED25519, DkimKeyState.ACTIVE, now));
            return null;
        })).isInstanceOf(NotFoundException.class);
    }

    @Test
    default void removingADomainRemovesItsDkimKeys() {
        Tenant a = newTenant();
        Domain d = newDomain(a);
        tx((Repositories r) -> {
            r.dkimKeys().insert(server(), dkimKey(a, d.name(), "s1", DkimAlgorithm.ED25519, DkimKeyState.ACTIVE,
                    Instant.now()));
            return null;
        });
        assertThat(tx((Repositories r) -> r.domains().remove(server(), d.name()))).isTrue();
        Domain again = tx((Repositories r) -> r.domains().add(server(), a.id(), d.name()));
        assertThat(tx((Repositories r) -> r.dkimKeys().byDomain(server(), again.name()))).isEmpty();
    }

    // ---------------------------------------------------------------- mailboxes

    @Test
    default void mailboxIsCreatedWithFreshCounters() {
        World w = world();
        Mailbox sent = tx((Repositories r) -> r.mailboxes().create(userScope(w.a1()), w.a().id(), w.a1().id(), "Sent",
                Optional.of(SpecialUse.SENT)));
        assertThat(sent.uidNext()).isEqualTo(1);
        assertThat(sent.highestModSeq()).isEqualTo(1);
        assertThat(sent.uidValidity()).isBetween(1L, 0xFFFF_FFFFL);
        assertThat(sent.ownerId()).isEqualTo(w.a1().id());
        assertThat(sent.tenantId()).isEqualTo(w.a().id());
        assertThat(tx((Repositories r) -> r.mailboxes().byId(userScope(w.a1()), sent.id()))).contains(sent);
        assertThat(tx((Repositories r) -> r.mailboxes().byName(userScope(w.a1()), w.a1().id(), "Sent"))).contains(sent);
        assertThat(tx((Repositories r) -> r.mailboxes().bySpecialUse(server(), w.a1().id(), SpecialUse.SENT))).contains(sent);
        assertThat(tx((Repositories r) -> r.mailboxes().bySpecialUse(server(), w.a1().id(), SpecialUse.TRASH))).isEmpty();
        assertThat(tx((Repositories r) -> r.mailboxes().list(userScope(w.a1()), w.a1().id())))
                .containsExactlyInAnyOrder(w.a1Inbox(), sent);
    }

    @Test
    default void mailboxNamesAreUniquePerOwner() {
        World w = world();
        newMailbox(w.a1(), "Projects");
        Mailbox other = newMailbox(w.a2(), "Projects");
        assertThat(other.name()).isEqualTo("Projects");
        assertThatThrownBy(() -> newMailbox(w.a1(), "Projects"))
                .isInstanceOf(ConflictException.class).hasMessageContaining("mailbox name");
        assertThatThrownBy(() -> tx((Repositories r) -> r.mailboxes().create(server(), w.a().id(), w.a1().id(), "Inbox 2",
                Optional.of(SpecialUse.INBOX)))).isInstanceOf(ConflictException.class);
    }

    @Test
    default void uidValidityIncreasesWithEveryCreation() {
        World w = world();
        long previous = w.a1Inbox().uidValidity();
        for (int i = 0; i < 5; i++) {
            Mailbox m = newMailbox(w.a1(), "box " + i);
            assertThat(m.uidValidity()).isGreaterThan(previous).isLessThanOrEqualTo(0xFFFF_FFFFL);
            previous = m.uidValidity();
        }
    }

    @Test
    default void anotherTenantsOrUsersMailboxesAreOutOfScope() {
        World w = world();
        for (Scope outsider : List.of(tenantScope(w.b().id()), userScope(w.b1()), userScope(w.a2()))) {
            assertThat(tx((Repositories r) -> r.mailboxes().byId(outsider, w.a1Inbox().id()))).isEmpty();
            assertThat(tx((Repositories r) -> r.mailboxes().byName(outsider, w.a1().id(), "INBOX"))).isEmpty();
            assertThat(tx((Repositories r) -> r.mailboxes().bySpecialUse(outsider, w.a1().id(), SpecialUse.INBOX))).isEmpty();
            assertThat(tx((Repositories r) -> r.mailboxes().list(outsider, w.a1().id()))).isEmpty();
            assertThatThrownBy(() -> tx((Repositories r) -> r.mailboxes().create(outsider, w.a().id(), w.a1().id(), "Planted",
                    Optional.empty()))).isInstanceOf(NotFoundException.class);
        }
        assertThatThrownBy(() -> tx((Repositories r) -> r.mailboxes().create(tenantScope(w.a().id()), w.a().id(), w.b1().id(),
                "Planted", Optional.empty()))).isInstanceOf(NotFoundException.class);
        assertThat(tx((Repositories r) -> r.mailboxes().list(server(), w.a1().id()))).containsExactly(w.a1Inbox());
        assertThat(tx((Repositories r) -> r.mailboxes().list(server(), w.b1().id()))).containsExactly(w.b1Inbox());
    }

    @Test
    default void mailboxCanBeRenamedUnsubscribedAndDeleted() {
        World w = world();
        Mailbox projects = newMailbox(w.a1(), "Projects");
        newMailbox(w.a1(), "Taken");
        StoredMessage inside = append(w.a1(), projects);
        Mailbox renamed = tx((Repositories r) -> r.mailboxes().rename(userScope(w.a1()), projects.id(), "Work"))
                .orElseThrow();
        assertThat(renamed.name()).isEqualTo("Work");
        assertThat(renamed.uidValidity()).isEqualTo(projects.uidValidity());
        assertThat(tx((Repositories r) -> r.mailboxes().byName(userScope(w.a1()), w.a1().id(), "Projects"))).isEmpty();
        assertThatThrownBy(() -> tx((Repositories r) -> r.mailboxes().rename(userScope(w.a1()), projects.id(), "Taken")))
                .isInstanceOf(ConflictException.class);
        assertThat(tx((Repositories r) -> r.mailboxes().rename(userScope(w.a2()), projects.id(), "Stolen"))).isEmpty();

        assertThat(tx((Repositories r) -> r.mailboxes().setSubscribed(userScope(w.a1()), projects.id(), false))).isTrue();
        assertThat(tx((Repositories r) -> r.mailboxes().byId(userScope(w.a1()), projects.id())).orElseThrow().subscribed())
                .isFalse();
        assertThat(tx((Repositories r) -> r.mailboxes().setSubscribed(userScope(w.b1()), projects.id(), true))).isFalse();

        assertThat(tx((Repositories r) -> r.mailboxes().delete(userScope(w.a2()), projects.id(), Instant.now()))).isFalse();
        assertThat(tx((Repositories r) -> r.mailboxes().delete(userScope(w.a1()), projects.id(), Instant.now()))).isTrue();
        assertThat(tx((Repositories r) -> r.mailboxes().byId(userScope(w.a1()), projects.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.mailboxes().list(userScope(w.a1()), w.a1().id())))
                .extracting(Mailbox::name).containsExactlyInAnyOrder("INBOX", "Taken");
        assertThat(tx((Repositories r) -> r.messages().byId(userScope(w.a1()), inside.id())).orElseThrow().deletedAt())
                .as("messages of a deleted mailbox are soft-deleted, kept for purge").isPresent();
        assertThatThrownBy(() -> append(w.a1(), projects)).isInstanceOf(NotFoundException.class);
        Mailbox again = newMailbox(w.a1(), "Work");
        assertThat(again.uidValidity()).isGreaterThan(projects.uidValidity());
    }

    // ---------------------------------------------------------------- messages

    @Test
    default void appendAllocatesIncreasingUidsAndModSeqs() {
        World w = world();
        Mailbox inbox = w.a1Inbox();
        NewMessage first = newMessage(Set.of("\\Seen", "$Label1"));
        StoredMessage m1 = tx((Repositories r) -> r.messages().append(userScope(w.a1()), inbox.id(), first));
        StoredMessage m2 = append(w.a1(), inbox);
        StoredMessage m3 = append(w.a1(), inbox);
        assertThat(List.of(m1.uid(), m2.uid(), m3.uid())).containsExactly(1L, 2L, 3L);
        assertThat(m2.modSeq()).isGreaterThan(m1.modSeq());
        assertThat(m3.modSeq()).isGreaterThan(m2.modSeq());
        assertThat(m1.modSeq()).isGreaterThan(inbox.highestModSeq());

        StoredMessage read = tx((Repositories r) -> r.messages().byId(userScope(w.a1()), first.id())).orElseThrow();
        assertThat(read.mailboxId()).isEqualTo(inbox.id());
        assertThat(read.ownerId()).isEqualTo(w.a1().id());
        assertThat(read.tenantId()).isEqualTo(w.a().id());
        assertThat(read.flags()).containsExactlyInAnyOrder("\\Seen", "$Label1");
        assertThat(read.internalDate()).isEqualTo(first.internalDate());
        assertThat(read.size()).isEqualTo(first.size());
        assertThat(read.sealedSummary()).isEqualTo(first.sealedSummary());
        assertThat(read.blobId()).isEqualTo(first.blobId());
        assertThat(read.deletedAt()).isEmpty();
        assertThat(read.uid()).isEqualTo(m1.uid());
        assertThat(read.modSeq()).isEqualTo(m1.modSeq());

        Mailbox after = tx((Repositories r) -> r.mailboxes().byId(server(), inbox.id())).orElseThrow();
        assertThat(after.uidNext()).isEqualTo(4);
        assertThat(after.highestModSeq()).isEqualTo(m3.modSeq());
        assertThat(after.uidValidity()).isEqualTo(inbox.uidValidity());
        assertThat(tx((Repositories r) -> r.messages().list(userScope(w.a1()), inbox.id())))
                .extracting(StoredMessage::uid).containsExactly(1L, 2L, 3L);
    }

    @Test
    default void uidsAreNeverReusedAfterPurge() {
        World w = world();
        Mailbox inbox = w.a1Inbox();
        StoredMessage m1 = append(w.a1(), inbox);
        StoredMessage m2 = append(w.a1(), inbox);
        tx((Repositories r) -> r.messages().markDeleted(server(), m2.id(), Instant.now()));
        assertThat(tx((Repositories r) -> r.messages().purge(server(), m2.id()))).isTrue();
        StoredMessage m3 = append(w.a1(), inbox);
        assertThat(m3.uid()).isEqualTo(3);
        assertThat(m3.uid()).isGreaterThan(m1.uid());
        assertThat(tx((Repositories r) -> r.messages().list(server(), inbox.id()))).extracting(StoredMessage::uid)
                .containsExactly(1L, 3L);
    }

    @Test
    default void appendingAMessageIdTwiceIsAConflict() {
        World w = world();
        NewMessage message = newMessage(Set.of());
        tx((Repositories r) -> r.messages().append(server(), w.a1Inbox().id(), message));
        assertThatThrownBy(() -> tx((Repositories r) -> r.messages().append(server(), w.a1Inbox().id(), message)))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    default void concurrentAppendsGetDistinctUidsAndIncreasingModSeqs() throws Exception {
        World w = world();
        Mailbox inbox = w.a1Inbox();
        int threads = 6;
        int perThread = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<StoredMessage>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                Callable<List<StoredMessage>> task = () -> {
                    start.await();
                    List<StoredMessage> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(append(w.a1(), inbox));
                    }
                    return mine;
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
        }
        Set<Long> uids = new HashSet<>();
        Set<Long> modSeqs = new HashSet<>();
        for (Future<List<StoredMessage>> f : futures) {
            List<StoredMessage> mine = f.get();
            for (int i = 1; i < mine.size(); i++) {
                assertThat(mine.get(i).uid()).isGreaterThan(mine.get(i - 1).uid());
                assertThat(mine.get(i).modSeq()).isGreaterThan(mine.get(i - 1).modSeq());
            }
            mine.forEach(m -> {
                uids.add(m.uid());
                modSeqs.add(m.modSeq());
            });
        }
        int total = threads * perThread;
        assertThat(uids).hasSize(total);
        assertThat(modSeqs).hasSize(total);
        assertThat(uids).allMatch(uid -> uid >= 1 && uid <= total);
        Mailbox after = tx((Repositories r) -> r.mailboxes().byId(server(), inbox.id())).orElseThrow();
        assertThat(after.uidNext()).isEqualTo(total + 1);
        assertThat(tx((Repositories r) -> r.messages().list(server(), inbox.id()))).hasSize(total);
    }

    @Test
    default void settingFlagsReplacesThemAndGivesANewModSeq() {
        World w = world();
        StoredMessage m = tx((Repositories r) -> r.messages().append(server(), w.a1Inbox().id(), newMessage(Set.of("\\Recent"))));
        StoredMessage other = append(w.a1(), w.a1Inbox());
        StoredMessage flagged = tx((Repositories r) -> r.messages().setFlags(userScope(w.a1()), m.id(), Set.of("\\Seen", "\\Flagged")))
                .orElseThrow();
        assertThat(flagged.flags()).containsExactlyInAnyOrder("\\Seen", "\\Flagged");
        assertThat(flagged.modSeq()).isGreaterThan(other.modSeq());
        assertThat(flagged.uid()).isEqualTo(m.uid());
        Mailbox inbox = tx((Repositories r) -> r.mailboxes().byId(server(), w.a1Inbox().id())).orElseThrow();
        assertThat(inbox.highestModSeq()).isEqualTo(flagged.modSeq());
        assertThat(inbox.uidNext()).isEqualTo(3);

        StoredMessage cleared = tx((Repositories r) -> r.messages().setFlags(server(), m.id(), Set.of())).orElseThrow();
        assertThat(cleared.flags()).isEmpty();
        assertThat(cleared.modSeq()).isGreaterThan(flagged.modSeq());
        assertThat(tx((Repositories r) -> r.messages().byId(server(), m.id())).orElseThrow()).usingRecursiveComparison()
                .isEqualTo(cleared);
        assertThat(tx((Repositories r) -> r.messages().setFlags(server(), MessageId.random(), Set.of("\\Seen")))).isEmpty();
        assertThatThrownBy(() -> tx((Repositories r) -> r.messages().setFlags(server(), m.id(), Set.of("two words"))))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    default void softDeleteHidesFromTheMailboxButNotFromTheOwnersList() {
        World w = world();
        StoredMessage kept = append(w.a1(), w.a1Inbox());
        StoredMessage gone = append(w.a1(), w.a1Inbox());
        Instant at = millis(Instant.now());
        assertThat(tx((Repositories r) -> r.messages().markDeleted(userScope(w.a1()), gone.id(), at))).isTrue();
        assertThat(tx((Repositories r) -> r.messages().markDeleted(userScope(w.a1()), gone.id(), at))).isFalse();
        assertThat(tx((Repositories r) -> r.messages().list(userScope(w.a1()), w.a1Inbox().id()))).extracting(StoredMessage::id)
                .containsExactly(kept.id());
        assertThat(tx((Repositories r) -> r.messages().listByOwner(userScope(w.a1()), w.a1().id()))).extracting(StoredMessage::id)
                .containsExactlyInAnyOrder(kept.id(), gone.id());
        StoredMessage deleted = tx((Repositories r) -> r.messages().byId(server(), gone.id())).orElseThrow();
        assertThat(deleted.deletedAt()).contains(at);
        assertThat(tx((Repositories r) -> r.messages().setFlags(server(), gone.id(), Set.of("\\Seen")))).isEmpty();
    }

    @Test
    default void expungedListsSoftDeletedUidsWithTheModSeqOfTheirDeletionUntilPurged() {
        World w = world();
        StoredMessage kept = append(w.a1(), w.a1Inbox());
        StoredMessage first = append(w.a1(), w.a1Inbox());
        StoredMessage second = append(w.a1(), w.a1Inbox());
        Instant at = millis(Instant.now());
        tx((Repositories r) -> r.messages().markDeleted(userScope(w.a1()), second.id(), at));
        tx((Repositories r) -> r.messages().markDeleted(userScope(w.a1()), first.id(), at));
        long highest = tx((Repositories r) -> r.mailboxes().byId(server(), w.a1Inbox().id())).orElseThrow()
                .highestModSeq();

        assertThat(tx((Repositories r) -> r.messages().expunged(userScope(w.a1()), w.a1Inbox().id())))
                .containsExactly(new MessageRepository.Expunged(first.uid(), highest),
                        new MessageRepository.Expunged(second.uid(), highest - 1));
        assertThat(highest - 1).isGreaterThan(second.modSeq()).isGreaterThan(kept.modSeq());
        assertThat(tx((Repositories r) -> r.messages().expunged(userScope(w.a2()), w.a1Inbox().id()))).isEmpty();
        tx((Repositories r) -> r.messages().purge(server(), first.id()));
        assertThat(tx((Repositories r) -> r.messages().expunged(server(), w.a1Inbox().id())))
                .extracting(MessageRepository.Expunged::uid).containsExactly(second.uid());
    }

    @Test
    default void setFlagsIfModSeqWritesOnlyOverTheModSeqItWasGiven() {
        World w = world();
        StoredMessage m = append(w.a1(), w.a1Inbox());
        StoredMessage changed = tx((Repositories r) -> r.messages().setFlagsIfModSeq(userScope(w.a1()), m.id(),
                Set.of("\\Seen"), m.modSeq())).orElseThrow();
        assertThat(changed.flags()).containsExactly("\\Seen");
        assertThat(changed.modSeq()).isGreaterThan(m.modSeq());
        // A writer that read the message before that change is refused and changes nothing.
        assertThat(tx((Repositories r) -> r.messages().setFlagsIfModSeq(userScope(w.a1()), m.id(),
                Set.of("\\Flagged"), m.modSeq()))).isEmpty();
        assertThat(tx((Repositories r) -> r.messages().byId(server(), m.id())).orElseThrow().flags())
                .containsExactly("\\Seen");
        assertThat(tx((Repositories r) -> r.messages().setFlagsIfModSeq(userScope(w.a2()), m.id(),
                Set.of("\\Flagged"), changed.modSeq()))).isEmpty();
        tx((Repositories r) -> r.messages().markDeleted(server(), m.id(), Instant.now()));
        long deleted = tx((Repositories r) -> r.messages().byId(server(), m.id())).orElseThrow().modSeq();
        assertThat(tx((Repositories r) -> r.messages().setFlagsIfModSeq(server(), m.id(), Set.of(), deleted))).isEmpty();
    }

    @Test
    default void liveBytesSumsTheOwnersLiveMessagesOnly() {
        World w = world();
        assertThat(tx((Repositories r) -> r.messages().liveBytes(userScope(w.a1()), w.a1().id()))).isZero();
        StoredMessage kept = append(w.a1(), w.a1Inbox());
        StoredMessage gone = append(w.a1(), w.a1Inbox());
        append(w.a2(), w.a2Inbox());
        tx((Repositories r) -> r.messages().markDeleted(server(), gone.id(), Instant.now()));
        assertThat(tx((Repositories r) -> r.messages().liveBytes(userScope(w.a1()), w.a1().id())))
                .isEqualTo(kept.size()).isPositive();
        assertThat(tx((Repositories r) -> r.messages().liveBytes(userScope(w.a2()), w.a1().id()))).isZero();
    }

    @Test
    default void deletedBeforeFindsOldDeletionsAndPurgeRemovesThem() {
        World w = world();
        StoredMessage old = append(w.a1(), w.a1Inbox());
        StoredMessage recent = append(w.a1(), w.a1Inbox());
        StoredMessage live = append(w.a1(), w.a1Inbox());
        Instant now = millis(Instant.now());
        tx((Repositories r) -> r.messages().markDeleted(server(), old.id(), now.minus(40, ChronoUnit.DAYS)));
        tx((Repositories r) -> r.messages().markDeleted(server(), recent.id(), now.minus(1, ChronoUnit.DAYS)));
        Instant cutoff = now.minus(30, ChronoUnit.DAYS);

        assertThat(tx((Repositories r) -> r.messages().deletedBefore(tenantScope(w.a().id()), cutoff)))
                .extracting(StoredMessage::id).containsExactly(old.id());
        assertThat(tx((Repositories r) -> r.messages().deletedBefore(userScope(w.a1()), now))).extracting(StoredMessage::id)
                .containsExactlyInAnyOrder(old.id(), recent.id());
        assertThat(tx((Repositories r) -> r.messages().deletedBefore(server(), cutoff))).extracting(StoredMessage::id)
                .contains(old.id()).doesNotContain(recent.id(), live.id());

        assertThat(tx((Repositories r) -> r.messages().purge(server(), old.id()))).isTrue();
        assertThat(tx((Repositories r) -> r.messages().byId(server(), old.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.messages().purge(server(), old.id()))).isFalse();
        assertThat(tx((Repositories r) -> r.messages().deletedBefore(userScope(w.a1()), now))).extracting(StoredMessage::id)
                .containsExactly(recent.id());
        assertThat(tx((Repositories r) -> r.messages().listByOwner(server(), w.a1().id()))).extracting(StoredMessage::id)
                .containsExactlyInAnyOrder(recent.id(), live.id());
    }

    @Test
    default void anotherTenantsOrUsersMessagesAreOutOfScope() {
        World w = world();
        StoredMessage m = append(w.a1(), w.a1Inbox());
        StoredMessage deleted = append(w.a1(), w.a1Inbox());
        tx((Repositories r) -> r.messages().markDeleted(server(), deleted.id(), Instant.now().minus(1, ChronoUnit.DAYS)));
        for (Scope outsider : List.of(tenantScope(w.b().id()), userScope(w.b1()), userScope(w.a2()))) {
            assertThat(tx((Repositories r) -> r.messages().byId(outsider, m.id()))).isEmpty();
            assertThat(tx((Repositories r) -> r.messages().list(outsider, w.a1Inbox().id()))).isEmpty();
            assertThat(tx((Repositories r) -> r.messages().listByOwner(outsider, w.a1().id()))).isEmpty();
            assertThat(tx((Repositories r) -> r.messages().deletedBefore(outsider, Instant.now()))).isEmpty();
            assertThat(tx((Repositories r) -> r.messages().setFlags(outsider, m.id(), Set.of("\\Deleted")))).isEmpty();
            assertThat(tx((Repositories r) -> r.messages().markDeleted(outsider, m.id(), Instant.now()))).isFalse();
            assertThat(tx((Repositories r) -> r.messages().purge(outsider, m.id()))).isFalse();
            assertThat(tx((Repositories r) -> r.messages().purge(outsider, deleted.id()))).isFalse();
            assertThatThrownBy(() -> tx((Repositories r) -> r.messages().append(outsider, w.a1Inbox().id(), newMessage(Set.of()))))
                    .isInstanceOf(NotFoundException.class);
        }
        StoredMessage unchanged = tx((Repositories r) -> r.messages().byId(server(), m.id())).orElseThrow();
        assertThat(unchanged.modSeq()).isEqualTo(m.modSeq());
        assertThat(unchanged.flags()).isEmpty();
        assertThat(unchanged.deletedAt()).isEmpty();
        assertThat(tx((Repositories r) -> r.messages().byId(server(), deleted.id()))).isPresent();
        Mailbox inbox = tx((Repositories r) -> r.mailboxes().byId(server(), w.a1Inbox().id())).orElseThrow();
        assertThat(inbox.uidNext()).isEqualTo(3);
    }

    @Test
    default void appendingToAMissingMailboxIsNotFound() {
        assertThatThrownBy(() -> tx((Repositories r) -> r.messages().append(server(), MailboxId.random(), newMessage(Set.of()))))
                .isInstanceOf(NotFoundException.class);
    }

    // ---------------------------------------------------------------- delivered-to, counts, pages

    private StoredMessage appendAt(User owner, Mailbox box, Instant at, Optional<AddressId> to, Set<String> flags) {
        return tx((Repositories r) -> r.messages().append(userScope(owner), box.id(),
                new NewMessage(MessageId.random(), flags, at, 10, bytes("s"), BlobId.random(), to)));
    }

    @Test
    default void deliveredToIsStoredAndCountedPerAddressInScope() {
        World w = world();
        Address one = tx((Repositories r) -> r.addresses().create(userScope(w.a1()), w.a().id(), w.a1().id(),
                uniqueAddress(), null));
        Address two = tx((Repositories r) -> r.addresses().create(userScope(w.a1()), w.a().id(), w.a1().id(),
                uniqueAddress(), null));
        Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
        StoredMessage m1 = appendAt(w.a1(), w.a1Inbox(), t0, Optional.of(one.id()), Set.of());
        appendAt(w.a1(), w.a1Inbox(), t0.plusSeconds(60), Optional.of(one.id()), Set.of("\\Seen"));
        StoredMessage m3 = appendAt(w.a1(), w.a1Inbox(), t0.plusSeconds(30), Optional.of(two.id()), Set.of());
        appendAt(w.a1(), w.a1Inbox(), t0.plusSeconds(90), Optional.empty(), Set.of());
        assertThat(tx((Repositories r) -> r.messages().byId(userScope(w.a1()), m1.id())).orElseThrow().deliveredTo())
                .contains(one.id());
        var counts = tx((Repositories r) -> r.messages().countByAddress(userScope(w.a1()), w.a1().id()));
        assertThat(counts).containsExactlyInAnyOrder(
                new MessageRepository.AddressCount(one.id(), 2, t0.plusSeconds(60)),
                new MessageRepository.AddressCount(two.id(), 1, t0.plusSeconds(30)));
        // deleted messages no longer count
        tx((Repositories r) -> r.messages().markDeleted(userScope(w.a1()), m3.id(), Instant.now()));
        assertThat(tx((Repositories r) -> r.messages().countByAddress(userScope(w.a1()), w.a1().id())))
                .containsExactly(new MessageRepository.AddressCount(one.id(), 2, t0.plusSeconds(60)));
        // another user's or tenant's scope sees nothing
        assertThat(tx((Repositories r) -> r.messages().countByAddress(userScope(w.a2()), w.a1().id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.messages().countByAddress(userScope(w.b1()), w.a1().id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.messages().countByAddress(tenantScope(w.b().id()), w.a1().id()))).isEmpty();
    }

    @Test
    default void mailboxCountsTotalAndUnseenInScope() {
        World w = world();
        Mailbox other = newMailbox(w.a1(), "Other");
        Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
        appendAt(w.a1(), w.a1Inbox(), t0, Optional.empty(), Set.of());
        appendAt(w.a1(), w.a1Inbox(), t0, Optional.empty(), Set.of("\\Seen", "\\Flagged"));
        appendAt(w.a1(), w.a1Inbox(), t0, Optional.empty(), Set.of("\\Answered", "NotSeen"));
        StoredMessage gone = appendAt(w.a1(), other, t0, Optional.empty(), Set.of());
        tx((Repositories r) -> r.messages().markDeleted(userScope(w.a1()), gone.id(), Instant.now()));
        assertThat(tx((Repositories r) -> r.messages().countByMailbox(userScope(w.a1()), w.a1().id())))
                .containsExactly(new MessageRepository.MailboxCount(w.a1Inbox().id(), 3, 2));
        assertThat(tx((Repositories r) -> r.messages().countByMailbox(userScope(w.b1()), w.a1().id()))).isEmpty();
    }

    @Test
    default void pagesWalkInDateAndIdOrderWithFiltersAndNeverLeaveTheScope() {
        World w = world();
        Mailbox other = newMailbox(w.a1(), "Other");
        Address one = tx((Repositories r) -> r.addresses().create(userScope(w.a1()), w.a().id(), w.a1().id(),
                uniqueAddress(), null));
        Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
        List<StoredMessage> inbox = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // two share each date, so the id breaks ties
            inbox.add(appendAt(w.a1(), w.a1Inbox(), t0.plusSeconds(i / 2 * 60L),
                    i % 3 == 0 ? Optional.of(one.id()) : Optional.empty(), Set.of()));
        }
        appendAt(w.a1(), other, t0, Optional.empty(), Set.of());
        List<StoredMessage> expectedAsc = inbox.stream().sorted(java.util.Comparator
                .comparing(StoredMessage::internalDate).thenComparing(m -> m.id().value().toString())).toList();
        for (boolean desc : new boolean[] {false, true}) {
            List<MessageId> walked = new ArrayList<>();
            Optional<MessagePage.Key> after = Optional.empty();
            while (true) {
                MessagePage page = new MessagePage(w.a1().id(), Optional.of(w.a1Inbox().id()), Optional.empty(),
                        Optional.empty(), Optional.empty(), desc, after, 3);
                List<StoredMessage> rows = tx((Repositories r) -> r.messages().page(userScope(w.a1()), page));
                rows.forEach(m -> walked.add(m.id()));
                if (rows.size() < 3) {
                    break;
                }
                after = Optional.of(MessagePage.Key.of(rows.get(rows.size() - 1)));
            }
            List<MessageId> expected = new ArrayList<>(expectedAsc.stream().map(StoredMessage::id).toList());
            if (desc) {
                java.util.Collections.reverse(expected);
            }
            assertThat(walked).containsExactlyElementsOf(expected);
        }
        MessagePage filtered = new MessagePage(w.a1().id(), Optional.empty(), Optional.of(one.id()),
                Optional.of(t0.plusSeconds(60)), Optional.of(t0.plusSeconds(240)), false, Optional.empty(), 100);
        assertThat(tx((Repositories r) -> r.messages().page(userScope(w.a1()), filtered))).extracting(StoredMessage::id)
                .containsExactly(inbox.get(3).id(), inbox.get(6).id());
        MessagePage all = new MessagePage(w.a1().id(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false, Optional.empty(), 100);
        assertThat(tx((Repositories r) -> r.messages().page(userScope(w.a1()), all))).hasSize(8);
        assertThat(tx((Repositories r) -> r.messages().page(userScope(w.a2()), all))).isEmpty();
        assertThat(tx((Repositories r) -> r.messages().page(userScope(w.b1()), all))).isEmpty();
    }

    // ---------------------------------------------------------------- transactions

    @Test
    default void workThatThrowsLeavesNothingBehind() {
        String name = unique("doomed");
        DomainName domain = uniqueDomain();
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> tx((Repositories r) -> {
            Tenant t = r.tenants().create(server(), name);
            r.domains().add(server(), t.id(), domain);
            User u = r.users().create(server(), t.id(), uniqueAddress(), Role.USER, HASH);
            Mailbox m = r.mailboxes().create(server(), t.id(), u.id(), "INBOX", Optional.of(SpecialUse.INBOX));
            r.messages().append(server(), m.id(), newMessage(Set.of()));
            throw boom;
        })).isSameAs(boom);
        assertThat(tx((Repositories r) -> r.tenants().byName(server(), name))).isEmpty();
        assertThat(tx((Repositories r) -> r.domains().byName(server(), domain))).isEmpty();
    }

    @Test
    default void aDomainFailureInsideWorkPropagatesUnchangedAfterRollback() {
        String taken = unique("taken");
        tx((Repositories r) -> r.tenants().create(server(), taken));
        String other = unique("other");
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.tenants().create(server(), other);
            return r.tenants().create(server(), taken);
        })).isInstanceOf(ConflictException.class).hasMessageContaining("tenant name");
        assertThat(tx((Repositories r) -> r.tenants().byName(server(), other))).isEmpty();
    }

    @Test
    default void workMayCatchAConflictAndCarryOn() {
        String taken = unique("taken");
        tx((Repositories r) -> r.tenants().create(server(), taken));
        String fallback = unique("fallback");
        Tenant created = tx((Repositories r) -> {
            try {
                return r.tenants().create(server(), taken);
            } catch (ConflictException e) {
                return r.tenants().create(server(), fallback);
            }
        });
        assertThat(tx((Repositories r) -> r.tenants().byName(server(), fallback))).contains(created);
    }

    @Test
    default void repositoriesCannotBeUsedAfterTheirTransaction() {
        Repositories leaked = tx((Repositories r) -> r);
        assertThatThrownBy(() -> leaked.tenants().create(server(), unique("late")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    default void dataPersistsAcrossCloseAndReopen() {
        World w = world();
        StoredMessage m = append(w.a1(), w.a1Inbox());
        Address address = tx((Repositories r) -> r.addresses().create(server(), w.a().id(), w.a1().id(), uniqueAddress(),
                bytes("note")));
        MetadataStore reopened = reopen();
        assertThat(reopened).isSameAs(store());
        assertThat(tx((Repositories r) -> r.tenants().byId(server(), w.a().id()))).contains(w.a());
        assertThat(tx((Repositories r) -> r.users().byId(server(), w.a1().id()))).contains(w.a1());
        assertThat(tx((Repositories r) -> r.messages().byId(server(), m.id())).orElseThrow().uid()).isEqualTo(m.uid());
        assertThat(tx((Repositories r) -> r.addresses().byId(server(), address.id())).orElseThrow().sealedNote())
                .isEqualTo(bytes("note"));
        StoredMessage next = append(w.a1(), w.a1Inbox());
        assertThat(next.uid()).isEqualTo(m.uid() + 1);
        assertThat(next.modSeq()).isGreaterThan(m.modSeq());
    }

    @Test
    default void theBackendNamesItself() {
        assertThat(store().backendName()).isNotBlank();
    }

    // ---------------------------------------------------------------- outbound queue

    private QueuedMessage queue(User owner, Instant created, String... recipients) {
        QueuedMessage m = new QueuedMessage(UUID.randomUUID(), owner.tenantId(), owner.id(), owner.login(),
                BlobId.random(), 4321, created, created.plusSeconds(5 * 24 * 3600));
        List<QueuedRecipient> rs = new ArrayList<>();
        for (String r : recipients) {
            rs.add(QueuedRecipient.fresh(m, EmailAddress.parse(r)));
        }
        tx((Repositories r) -> {
            r.outboundQueue().enqueue(userScope(owner), m, rs);
            return null;
        });
        return m;
    }

    @Test
    default void queuedMessageAndRecipientsAreStoredAndReadBack() {
        World w = world();
        Instant t = millis(Instant.now());
        QueuedMessage m = queue(w.a1(), t, "x@remote.example", "y@other.example");
        assertThat(tx((Repositories r) -> r.outboundQueue().message(userScope(w.a1()), m.id()))).contains(m);
        List<QueuedRecipient> rs = tx((Repositories r) -> r.outboundQueue().recipients(userScope(w.a1()), m.id()));
        assertThat(rs).extracting(q -> q.recipient().toString()).containsExactly("x@remote.example", "y@other.example");
        assertThat(rs).allSatisfy(q -> {
            assertThat(q.state()).isEqualTo(RecipientState.QUEUED);
            assertThat(q.attempts()).isZero();
            assertThat(q.nextAttemptAt()).isEqualTo(t);
        });
        assertThat(tx((Repositories r) -> r.outboundQueue().list(tenantScope(w.a().id()), 500)))
                .extracting(QueuedMessage::id).contains(m.id());
        assertThat(tx((Repositories r) -> r.outboundQueue().blobIds(userScope(w.a1())))).containsExactly(m.blobId());
        assertThat(tx((Repositories r) -> r.outboundQueue().blobIds(userScope(w.a2())))).isEmpty();
    }

    @Test
    default void theQueueIsListedNewestFirstAPageAtATime() {
        World w = world();
        Instant t = millis(Instant.now());
        QueuedMessage older = queue(w.a1(), t, "old@remote.example");
        QueuedMessage middle = queue(w.a1(), t.plusSeconds(1), "mid@remote.example");
        QueuedMessage newer = queue(w.a1(), t.plusSeconds(2), "new@remote.example");
        Scope scope = userScope(w.a1());
        assertThat(tx((Repositories r) -> r.outboundQueue().list(scope, 2, 0))).extracting(QueuedMessage::id)
                .containsExactly(newer.id(), middle.id());
        assertThat(tx((Repositories r) -> r.outboundQueue().list(scope, 2, 2))).extracting(QueuedMessage::id)
                .containsExactly(older.id());
        assertThat(tx((Repositories r) -> r.outboundQueue().list(scope, 2, 3))).isEmpty();
        assertThatThrownBy(() -> tx((Repositories r) -> r.outboundQueue().list(scope, 2, -1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void anotherUsersOrTenantsQueueIsInvisibleAndUntouchable() {
        World w = world();
        QueuedMessage m = queue(w.a1(), millis(Instant.now()), "x@remote.example");
        assertThat(tx((Repositories r) -> r.outboundQueue().message(userScope(w.a2()), m.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.outboundQueue().message(tenantScope(w.b().id()), m.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.outboundQueue().recipients(userScope(w.b1()), m.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.outboundQueue().retryNow(userScope(w.b1()), m.id(), Instant.now()))).isFalse();
        assertThat(tx((Repositories r) -> r.outboundQueue().delete(tenantScope(w.b().id()), m.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.outboundQueue().message(server(), m.id()))).isPresent();
        QueuedMessage foreign = new QueuedMessage(UUID.randomUUID(), w.a().id(), w.a1().id(), w.a1().login(),
                BlobId.random(), 1, Instant.now(), Instant.now());
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.outboundQueue().enqueue(userScope(w.a2()), foreign,
                    List.of(QueuedRecipient.fresh(foreign, EmailAddress.parse("z@remote.example"))));
            return null;
        })).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> tx((Repositories r) -> {
            r.outboundQueue().enqueue(userScope(w.a1()), foreign, List.of());
            return null;
        })).isInstanceOf(InvalidInputException.class);
    }

    @Test
    default void dueRecipientsAreLeasedOnceAndReleasedByTheirOutcome() {
        World w = world();
        Instant t = millis(Instant.now().minusSeconds(10));
        QueuedMessage m = queue(w.a1(), t, "x@remote.example");
        Instant now = millis(Instant.now());
        List<QueuedRecipient> first = tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now, "node-1",
                now.plusSeconds(300), 10));
        assertThat(first).hasSize(1);
        // Leased: another node (or worker) does not get it again.
        assertThat(tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now, "node-2",
                now.plusSeconds(300), 10))).isEmpty();
        QueuedRecipient deferred = first.getFirst().after(RecipientState.DEFERRED, now.plusSeconds(600),
                "451 4.3.0 try later", false);
        assertThat(tx((Repositories r) -> r.outboundQueue().recordAttempt(userScope(w.a1()), deferred, "node-2"))).isFalse();
        assertThat(tx((Repositories r) -> r.outboundQueue().recordAttempt(userScope(w.a1()), deferred, "node-1"))).isTrue();
        QueuedRecipient read = tx((Repositories r) -> r.outboundQueue().recipients(userScope(w.a1()), m.id())).getFirst();
        assertThat(read.state()).isEqualTo(RecipientState.DEFERRED);
        assertThat(read.attempts()).isEqualTo(1);
        assertThat(read.lastReply()).contains("451 4.3.0 try later");
        // Not due until its next attempt; retry makes it due now.
        assertThat(tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now, "node-1",
                now.plusSeconds(300), 10))).isEmpty();
        assertThat(tx((Repositories r) -> r.outboundQueue().retryNow(userScope(w.a1()), m.id(), now))).isTrue();
        assertThat(tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now, "node-1",
                now.plusSeconds(300), 10))).hasSize(1);
        // An expired lease can be claimed again (a node died mid-delivery).
        assertThat(tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now.plusSeconds(301), "node-3",
                now.plusSeconds(900), 10))).hasSize(1);
        // Released leases (a single embedded server starting after a crash) can be claimed at once.
        assertThat(tx((Repositories r) -> r.outboundQueue().releaseLeases(userScope(w.a2())))).isZero();
        assertThat(tx((Repositories r) -> r.outboundQueue().releaseLeases(userScope(w.a1())))).isEqualTo(1);
        assertThat(tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now, "node-4",
                now.plusSeconds(300), 10))).hasSize(1);
    }

    @Test
    default void deliveredAndFailedRecipientsAreNeverClaimedAndDeleteRemovesEverything() {
        World w = world();
        Instant now = millis(Instant.now());
        QueuedMessage m = queue(w.a1(), now.minusSeconds(1), "x@remote.example", "y@remote.example");
        List<QueuedRecipient> claimed = tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now, "n",
                now.plusSeconds(60), 10));
        assertThat(claimed).hasSize(2);
        tx((Repositories r) -> {
            r.outboundQueue().recordAttempt(userScope(w.a1()), claimed.get(0).after(RecipientState.DELIVERED, now, "250 ok", false), "n");
            r.outboundQueue().recordAttempt(userScope(w.a1()), claimed.get(1).after(RecipientState.FAILED, now, "550 no", false), "n");
            return null;
        });
        assertThat(tx((Repositories r) -> r.outboundQueue().claimDue(userScope(w.a1()), now.plusSeconds(3600), "n",
                now.plusSeconds(7200), 10))).isEmpty();
        assertThat(tx((Repositories r) -> r.outboundQueue().delete(userScope(w.a1()), m.id()))).contains(m);
        assertThat(tx((Repositories r) -> r.outboundQueue().message(server(), m.id()))).isEmpty();
        assertThat(tx((Repositories r) -> r.outboundQueue().recipients(server(), m.id()))).isEmpty();
    }
}

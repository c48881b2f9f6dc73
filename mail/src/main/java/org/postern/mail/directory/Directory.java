package org.postern.mail.directory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.keys.DataKeys;
import org.postern.mail.keys.FieldSealer;
import org.postern.model.AccessDeniedException;
import org.postern.model.AddressId;
import org.postern.model.ConflictException;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.Redact;
import org.postern.model.Role;
import org.postern.model.SpecialUse;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.Address;
import org.postern.store.AddressState;
import org.postern.store.Domain;
import org.postern.store.MetadataStore;
import org.postern.store.Repositories;
import org.postern.store.Tenant;
import org.postern.store.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants, domains, users and addresses: the operations the admin CLI, and later the API, call.
 * Each call names its {@link Caller}; the {@link AccessPolicy} turns that into the scope every
 * repository call is limited to.
 */
public final class Directory {
    public static final String DEFAULT_TENANT = "default";
    public static final int MAX_NOTE_CHARS = 500;
    /** The local part RFC 5321 §4.5.1 requires on every hosted domain. */
    static final String POSTMASTER = "postmaster";
    static final String NOTE_FIELD = "address-note";
    private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
    private static final Logger LOG = LoggerFactory.getLogger(Directory.class);

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final DataKeys dataKeys;
    private final FieldSealer sealer;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final long quotaBytes;

    /** A directory with no storage quota on delivery. */
    public Directory(MetadataStore store, AccessPolicy policy, DataKeys dataKeys, FieldSealer sealer,
            PasswordHasher hasher, Clock clock) {
        this(store, policy, dataKeys, sealer, hasher, clock, 0);
    }

    /**
     * @param quotaBytes the storage each account may hold ({@code mail_quota_bytes}); a recipient
     *     whose account holds this much or more is {@link RecipientCheck.OverQuota}; 0 for none
     */
    public Directory(MetadataStore store, AccessPolicy policy, DataKeys dataKeys, FieldSealer sealer,
            PasswordHasher hasher, Clock clock, long quotaBytes) {
        if (quotaBytes < 0) {
            throw new IllegalArgumentException("quotaBytes must be 0 (none) or positive");
        }
        this.quotaBytes = quotaBytes;
        this.store = store;
        this.policy = policy;
        this.dataKeys = dataKeys;
        this.sealer = sealer;
        this.hasher = hasher;
        this.clock = clock;
    }

    // ---- tenants

    public Tenant addTenant(Caller caller, String name) {
        Scope scope = policy.scopeFor(caller);
        if (!scope.isServerWide()) {
            throw new AccessDeniedException("only server administrators create tenants");
        }
        String checked = checkTenantName(name);
        Tenant t = store.inTransaction(tx -> tx.tenants().create(scope, checked));
        LOG.info("event=tenant.created tenant={}", t.id());
        return t;
    }

    public List<Tenant> tenants(Caller caller) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.tenants().list(scope));
    }

    private static String checkTenantName(String name) {
        if (name == null || !TENANT_NAME.matcher(name).matches()) {
            throw new InvalidInputException(
                    "tenant name must be 1-64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit");
        }
        return name;
    }

    /** The named tenant, or the default tenant (created on first use) when no name is given. */
    private Tenant tenantFor(Repositories tx, Scope scope, Optional<String> name) {
        if (name.isPresent()) {
            return tx.tenants().byName(scope, name.get())
                    .orElseThrow(() -> new NotFoundException("no such tenant: " + name.get()));
        }
        Optional<Tenant> existing = tx.tenants().byName(scope, DEFAULT_TENANT);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!scope.isServerWide()) {
            throw new NotFoundException("no such tenant: " + DEFAULT_TENANT);
        }
        return tx.tenants().create(scope, DEFAULT_TENANT);
    }

    // ---- domains

    public Domain addDomain(Caller caller, DomainName name, Optional<String> tenantName) {
        Scope scope = policy.scopeFor(caller);
        Domain d = store.inTransaction(tx -> {
            Tenant tenant = tenantFor(tx, scope, tenantName);
            return tx.domains().add(policy.tenantScope(caller, tenant.id()), tenant.id(), name);
        });
        LOG.info("event=domain.added domain={} tenant={}", d.name(), d.tenantId());
        return d;
    }

    public List<Domain> domains(Caller caller) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.domains().list(scope));
    }

    /**
     * Stops hosting a domain. Refused while active users or addresses remain on it: removing the
     * domain would otherwise silently start refusing their mail. Revoked addresses stay recorded,
     * so none of them can be created again if the domain comes back.
     */
    /** Whether the server hosts {@code name} for a tenant the caller can see; one indexed lookup. */
    public boolean hosts(Caller caller, DomainName name) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.domains().byName(scope, name).isPresent());
    }

    public void removeDomain(Caller caller, DomainName name) {
        Scope scope = policy.scopeFor(caller);
        store.inTransaction(tx -> {
            Domain d = tx.domains().byName(scope, name).orElseThrow(() -> new NotFoundException("no such domain: " + name));
            long users = tx.users().list(scope).stream()
                    .filter(u -> u.login().domain().equals(name) && !u.disabled()).count();
            long active = tx.addresses().list(scope, Optional.empty()).stream()
                    .filter(a -> a.address().domain().equals(name) && a.state() != AddressState.REVOKED).count();
            if (users > 0 || active > 0) {
                throw new ConflictException("domain " + name + " still has " + users + " active users and " + active
                        + " active addresses; disable the users and revoke the addresses first");
            }
            return tx.domains().remove(scope, d.name());
        });
        LOG.info("event=domain.removed domain={}", name);
    }

    // ---- users

    /**
     * Creates an account on a hosted domain, in that domain's tenant, with its data key, its
     * special-use mailboxes and its login as its first address: all in one transaction.
     */
    public User addUser(Caller caller, EmailAddress login, Role role, char[] password) {
        return addUser(caller, login, role, password, (tx, user) -> {});
    }

    /**
     * As {@link #addUser(Caller, EmailAddress, Role, char[])}, and runs {@code andThen} in the same
     * transaction, so that what belongs with the new account (such as its security settings) is
     * committed with it or not at all.
     */
    public User addUser(Caller caller, EmailAddress login, Role role, char[] password,
            java.util.function.BiConsumer<org.postern.store.Repositories, User> andThen) {
        PasswordPolicy.check(password);
        Scope broadest = policy.scopeFor(caller);
        if (caller instanceof Caller.User u && role.compareTo(u.role()) > 0) {
            throw new AccessDeniedException("cannot grant a role above one's own");
        }
        String hash = hasher.hash(password);
        User created = store.inTransaction(tx -> {
            Domain domain = tx.domains().byName(broadest, login.domain())
                    .orElseThrow(() -> new NotFoundException("domain " + login.domain() + " is not hosted here"));
            Scope tenantScope = policy.tenantScope(caller, domain.tenantId());
            if (role == Role.SERVER_ADMIN && !broadest.isServerWide()) {
                throw new AccessDeniedException("only server administrators create server administrators");
            }
            // Making a server admin is itself a server-wide act; everything else stays in the tenant.
            User user = tx.users().create(role == Role.SERVER_ADMIN ? broadest : tenantScope, domain.tenantId(), login,
                    role, hash);
            dataKeys.createFor(tx, tenantScope, user.tenantId(), user.id());
            for (SpecialUse use : SpecialUse.values()) {
                tx.mailboxes().create(tenantScope, user.tenantId(), user.id(), use.defaultName(), Optional.of(use));
            }
            tx.addresses().create(tenantScope, user.tenantId(), user.id(), login, null);
            andThen.accept(tx, user);
            return user;
        });
        LOG.info("event=user.created user={} login={} role={}", created.id(), Redact.address(login), role.label());
        return created;
    }

    public List<User> users(Caller caller) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.users().list(scope));
    }

    public Optional<User> user(Caller caller, EmailAddress login) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.users().byLogin(scope, login));
    }

    /**
     * Changes a user's role. Nobody grants a role above their own, and only server-wide callers
     * make or unmake server admins. The caller ends the user's sessions (their tokens carry the role).
     */
    public User setRole(Caller caller, EmailAddress login, Role role) {
        if (caller instanceof Caller.User u && role.compareTo(u.role()) > 0) {
            throw new AccessDeniedException("cannot grant a role above one's own");
        }
        Scope broadest = policy.scopeFor(caller);
        User changed = store.inTransaction(tx -> {
            User u = tx.users().byLogin(broadest, login).orElseThrow(() -> new NotFoundException("no such user"));
            Scope scope = broadest.isServerWide() ? broadest : policy.tenantScope(caller, u.tenantId());
            if (!tx.users().setRole(scope, u.id(), role)) {
                throw new AccessDeniedException("only server administrators change a server administrator's role");
            }
            return tx.users().byId(scope, u.id()).orElseThrow();
        });
        LOG.info("event=user.role_changed user={} role={}", changed.id(), role.label());
        return changed;
    }

    /** A disabled user cannot sign in and receives no mail; their data stays. */
    public void setDisabled(Caller caller, EmailAddress login, boolean disabled) {
        Scope scope = policy.scopeFor(caller);
        store.inTransaction(tx -> {
            User u = tx.users().byLogin(scope, login).orElseThrow(() -> new NotFoundException("no such user"));
            return tx.users().setDisabled(scope, u.id(), disabled);
        });
        LOG.info("event=user.{} login={}", disabled ? "disabled" : "enabled", Redact.address(login));
    }

    // ---- addresses

    public AddressView addAddress(Caller caller, EmailAddress ownerLogin, EmailAddress address, Optional<String> note) {
        Optional<String> checkedNote = note.map(Directory::checkNote);
        Scope scope = policy.scopeFor(caller);
        User owner = store.inTransaction(tx -> tx.users().byLogin(scope, ownerLogin))
                .orElseThrow(() -> new NotFoundException("no such user"));
        Scope ownerScope = policy.userScope(caller, owner.tenantId(), owner.id());
        // Sealing opens the owner's data key, which reads the database: do it before the write transaction.
        byte[] sealedNote = checkedNote
                .map(n -> sealer.sealText(owner.tenantId(), owner.id(), NOTE_FIELD, address.toString(), n))
                .orElse(null);
        Address created = store.inTransaction(tx -> {
            Domain domain = tx.domains().byName(ownerScope, address.domain())
                    .filter(d -> d.tenantId().equals(owner.tenantId()))
                    .orElseThrow(() -> new NotFoundException("domain " + address.domain() + " is not hosted for this tenant"));
            return tx.addresses().create(ownerScope, domain.tenantId(), owner.id(), address, sealedNote);
        });
        LOG.info("event=address.created address={} owner={}", Redact.address(address), owner.id());
        return view(created, owner.login(), checkedNote);
    }

    /** Revokes an address for good: mail to it is refused from now on, and it can never be created again. */
    public void revokeAddress(Caller caller, EmailAddress address) {
        Scope scope = policy.scopeFor(caller);
        store.inTransaction(tx -> {
            Address a = tx.addresses().byAddress(scope, address).orElseThrow(() -> new NotFoundException("no such address"));
            if (a.state() == AddressState.REVOKED) {
                throw new ConflictException("address is already revoked");
            }
            return tx.addresses().revoke(scope, a.id(), clock.instant());
        });
        LOG.info("event=address.revoked address={}", Redact.address(address));
    }

    /** Addresses in the caller's scope, or only {@code owner}'s, with notes opened. */
    public List<AddressView> addresses(Caller caller, Optional<EmailAddress> owner) {
        Scope scope = policy.scopeFor(caller);
        record Loaded(List<Address> addresses, Map<UserId, User> owners) {}
        Loaded loaded = store.inTransaction(tx -> {
            Optional<UserId> ownerId = Optional.empty();
            if (owner.isPresent()) {
                ownerId = Optional.of(tx.users().byLogin(scope, owner.get())
                        .orElseThrow(() -> new NotFoundException("no such user")).id());
            }
            return new Loaded(tx.addresses().list(scope, ownerId),
                    tx.users().list(scope).stream().collect(Collectors.toMap(User::id, Function.identity())));
        });
        List<AddressView> views = new ArrayList<>();
        for (Address a : loaded.addresses()) {
            User u = loaded.owners().get(a.ownerId());
            Optional<String> note = Optional.ofNullable(a.sealedNote())
                    .map(s -> sealer.openText(a.tenantId(), a.ownerId(), NOTE_FIELD, a.address().toString(), s));
            views.add(view(a, u == null ? null : u.login(), note));
        }
        return views;
    }

    // ---- a signed-in user's own domains and addresses (the JSON API)

    /** The domains of the user's own tenant: where they may create addresses. */
    public List<Domain> ownDomains(Caller.User user) {
        Scope scope = ownScope(user);
        return store.inTransaction(tx -> tx.domains().list(scope));
    }

    /** The user's own addresses with notes opened; an admin, too, sees only their own here. */
    public List<AddressView> ownAddresses(Caller.User user) {
        Scope scope = ownScope(user);
        record Loaded(List<Address> addresses, EmailAddress login) {}
        Loaded loaded = store.inTransaction(tx -> new Loaded(tx.addresses().list(scope, Optional.of(user.userId())),
                ownLogin(tx, scope, user)));
        return loaded.addresses().stream().map(a -> view(a, loaded.login(), openNote(a))).toList();
    }

    /**
     * How many live messages each of the user's own addresses received and when the latest
     * arrived, counted in SQL in the user's own scope (a message moved between mailboxes still
     * counts; one deleted does not). Addresses that received nothing are absent.
     */
    public Map<AddressId, ReceivedCount> ownReceivedCounts(Caller.User user) {
        Scope scope = ownScope(user);
        Map<AddressId, ReceivedCount> counts = new java.util.HashMap<>();
        store.inTransaction(tx -> tx.messages().countByAddress(scope, user.userId()))
                .forEach(c -> counts.put(c.address(), new ReceivedCount(c.received(), c.lastReceived())));
        return counts;
    }

    /**
     * A new address for the user, on a domain of their own tenant. A domain of another tenant is
     * "not found"; an address that exists or ever existed (revoked) is a conflict.
     */
    public AddressView createOwnAddress(Caller.User user, EmailAddress address, Optional<String> note) {
        Optional<String> checkedNote = note.map(Directory::checkNote);
        Scope scope = ownScope(user);
        // Sealing opens the owner's data key, which reads the database: do it before the write transaction.
        byte[] sealedNote = checkedNote
                .map(n -> sealer.sealText(user.tenantId(), user.userId(), NOTE_FIELD, address.toString(), n))
                .orElse(null);
        record Created(Address address, EmailAddress login) {}
        Created created = store.inTransaction(tx -> {
            tx.domains().byName(scope, address.domain())
                    .filter(d -> d.tenantId().equals(user.tenantId()))
                    .orElseThrow(() -> new NotFoundException("domain is not hosted for this tenant"));
            return new Created(tx.addresses().create(scope, user.tenantId(), user.userId(), address, sealedNote),
                    ownLogin(tx, scope, user));
        });
        LOG.info("event=address.created address={} owner={}", Redact.address(address), user.userId());
        return view(created.address(), created.login(), checkedNote);
    }

    /**
     * As {@link #createOwnAddress}, with a local part from {@code names} (a CSPRNG); a name that
     * is taken is drawn again, a few times.
     */
    public AddressView createGeneratedAddress(Caller.User user, DomainName domain, Supplier<String> names,
            Optional<String> note) {
        int attempts = 5;
        for (int i = 1; ; i++) {
            try {
                return createOwnAddress(user, new EmailAddress(names.get(), domain), note);
            } catch (ConflictException e) {
                if (i == attempts) {
                    throw e;
                }
            }
        }
    }

    /** One of the user's own addresses; another user's, or another tenant's, is "not found". */
    public AddressView ownAddress(Caller.User user, AddressId id) {
        Scope scope = ownScope(user);
        record Loaded(Address address, EmailAddress login) {}
        Loaded loaded = store.inTransaction(tx -> new Loaded(owned(tx, scope, user, id), ownLogin(tx, scope, user)));
        return view(loaded.address(), loaded.login(), openNote(loaded.address()));
    }

    /**
     * Revokes one of the user's own addresses for good: mail to it is refused from now on, and
     * it can never be created again. Revoking a revoked address is a conflict.
     */
    public AddressView revokeOwnAddress(Caller.User user, AddressId id) {
        Scope scope = ownScope(user);
        AddressView revoked = changeOwn(user, id, (tx, a) -> {
            if (a.state() == AddressState.REVOKED || !tx.addresses().revoke(scope, id, clock.instant())) {
                throw new ConflictException("address is already revoked");
            }
        });
        LOG.info("event=address.revoked address={}", Redact.address(revoked.address()));
        return revoked;
    }

    /**
     * Suspends one of the user's own active addresses: refused at RCPT TO like an unknown address
     * (and not usable as a sender) until reinstated. Anything but an active address is a conflict.
     */
    public AddressView suspendOwnAddress(Caller.User user, AddressId id) {
        return setOwnSuspended(user, id, true);
    }

    /** Makes one of the user's own suspended addresses active again; a revoked one never is (conflict). */
    public AddressView reinstateOwnAddress(Caller.User user, AddressId id) {
        return setOwnSuspended(user, id, false);
    }

    private AddressView setOwnSuspended(Caller.User user, AddressId id, boolean suspended) {
        Scope scope = ownScope(user);
        AddressView changed = changeOwn(user, id, (tx, a) -> {
            if (!tx.addresses().setSuspended(scope, id, suspended)) {
                throw new ConflictException("address is " + a.state().name().toLowerCase(java.util.Locale.ROOT));
            }
        });
        LOG.info("event=address.{} address={}", suspended ? "suspended" : "reinstated", Redact.address(changed.address()));
        return changed;
    }

    private AddressView changeOwn(Caller.User user, AddressId id, java.util.function.BiConsumer<Repositories, Address> change) {
        Scope scope = ownScope(user);
        record Changed(Address address, EmailAddress login) {}
        Changed changed = store.inTransaction(tx -> {
            change.accept(tx, owned(tx, scope, user, id));
            return new Changed(tx.addresses().byId(scope, id).orElseThrow(), ownLogin(tx, scope, user));
        });
        return view(changed.address(), changed.login(), openNote(changed.address()));
    }

    private Scope ownScope(Caller.User user) {
        return policy.userScope(user, user.tenantId(), user.userId());
    }

    private static Address owned(Repositories tx, Scope scope, Caller.User user, AddressId id) {
        return tx.addresses().byId(scope, id)
                .filter(a -> a.ownerId().equals(user.userId()) && a.tenantId().equals(user.tenantId()))
                .orElseThrow(() -> new NotFoundException("no such address"));
    }

    private static EmailAddress ownLogin(Repositories tx, Scope scope, Caller.User user) {
        return tx.users().byId(scope, user.userId()).map(User::login)
                .orElseThrow(() -> new NotFoundException("no such user"));
    }

    private Optional<String> openNote(Address a) {
        return Optional.ofNullable(a.sealedNote())
                .map(s -> sealer.openText(a.tenantId(), a.ownerId(), NOTE_FIELD, a.address().toString(), s));
    }

    /**
     * Where mail for {@code address} goes: an active address of an active user on a hosted
     * domain, or why not. Used at RCPT TO; there is no catch-all. The one exception is
     * {@code postmaster@} a hosted domain (RFC 5321 §4.5.1): unless it is an address of its own
     * (then it is handled as any other, and a revoked one stays refused), it goes to an
     * administrator, see {@link #checkPostmaster}. An account at or above the quota is
     * {@link RecipientCheck.OverQuota}, except for postmaster mail.
     */
    public RecipientCheck checkRecipient(Caller caller, EmailAddress address) {
        Scope scope = policy.scopeFor(caller);
        // Deliberately a writer transaction although it only reads: on SQLite a read transaction
        // runs beside a writer and cannot be held up by one, and "another writer holds the
        // database" is how the fail-closed check (451 at RCPT when storage stalls) is exercised
        // end to end (SmtpFailClosedE2ETest). Group commit keeps the writer lock's hold short.
        return store.inTransaction(tx -> {
            Optional<Domain> domain = tx.domains().byName(scope, address.domain());
            if (domain.isEmpty()) {
                return new RecipientCheck.DomainNotHosted();
            }
            boolean postmaster = address.localPart().equals(POSTMASTER);
            Optional<Address> a = tx.addresses().byAddress(scope, address);
            if (a.isEmpty() || !a.get().isActive() || !a.get().tenantId().equals(domain.get().tenantId())) {
                return postmaster && a.isEmpty()
                        ? postmasterOf(tx, scope, Optional.of(domain.get().tenantId()), address.domain().ascii())
                        : new RecipientCheck.UnknownAddress();
            }
            Optional<User> owner = tx.users().byId(scope, a.get().ownerId());
            if (owner.isEmpty() || owner.get().disabled()) {
                // A disabled owner's postmaster@ must still reach somebody: an administrator.
                return postmaster
                        ? postmasterOf(tx, scope, Optional.of(domain.get().tenantId()), address.domain().ascii())
                        : new RecipientCheck.UnknownAddress();
            }
            // The quota is checked here, at RCPT TO, and nowhere later: one message (at most the
            // size limit) per concurrent delivery may still take an account past it. Postmaster
            // mail is never refused for quota (RFC 5321 §4.5.1 requires it be accepted).
            if (quotaBytes > 0 && !postmaster && tx.messages().liveBytes(scope, a.get().ownerId()) >= quotaBytes) {
                return new RecipientCheck.OverQuota();
            }
            return new RecipientCheck.Accepted(
                    new Recipient(a.get().tenantId(), a.get().ownerId(), Optional.of(a.get().id())));
        });
    }

    /**
     * Where mail for the bare {@code <Postmaster>} (RFC 5321 §4.1.1.3) goes: the first server
     * administrator by login who is not disabled. With none, {@link RecipientCheck.UnknownAddress}
     * and a warning in the log.
     */
    public RecipientCheck checkPostmaster(Caller caller) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> postmasterOf(tx, scope, Optional.empty(), "<Postmaster>"));
    }

    /**
     * The administrator who receives postmaster mail: the first enabled tenant admin of
     * {@code tenant} by login, else the first enabled server admin by login.
     */
    private static RecipientCheck postmasterOf(Repositories tx, Scope scope, Optional<TenantId> tenant, String forWhom) {
        Comparator<User> byLogin = Comparator.comparing(u -> u.login().toString());
        List<User> enabled = tx.users().list(scope).stream().filter(u -> !u.disabled()).sorted(byLogin).toList();
        Optional<User> admin = enabled.stream()
                .filter(u -> u.role() == Role.TENANT_ADMIN && tenant.isPresent() && u.tenantId().equals(tenant.get()))
                .findFirst()
                .or(() -> enabled.stream().filter(u -> u.role() == Role.SERVER_ADMIN).findFirst());
        if (admin.isEmpty()) {
            LOG.warn("event=postmaster.unrouted postmaster={} reason=no_admin"
                    + " hint=\"mail to the postmaster is refused: add a tenant or server administrator"
                    + " (./postern user role EMAIL tenant-admin), or a postmaster address for a user\"", forWhom);
            return new RecipientCheck.UnknownAddress();
        }
        return new RecipientCheck.Accepted(new Recipient(admin.get().tenantId(), admin.get().id(), Optional.empty()));
    }

    /**
     * {@code address} as a sender for {@code user}: present only when it is an active address
     * that this user owns (in their own scope) and the user is not disabled. A revoked address,
     * another user's address and an unknown one all give empty. For submission's MAIL FROM and
     * From: checks; the result names the user's own account, for the Sent copy.
     */
    public Optional<Recipient> ownActiveAddress(Caller.User user, EmailAddress address) {
        Scope scope = policy.userScope(user, user.tenantId(), user.userId());
        return store.inTransaction(tx -> {
            Optional<Address> a = tx.addresses().byAddress(scope, address);
            if (a.isEmpty() || !a.get().isActive() || !a.get().ownerId().equals(user.userId())
                    || !a.get().tenantId().equals(user.tenantId())) {
                return Optional.<Recipient>empty();
            }
            Optional<User> owner = tx.users().byId(scope, user.userId());
            if (owner.isEmpty() || owner.get().disabled()) {
                return Optional.<Recipient>empty();
            }
            return Optional.of(new Recipient(a.get().tenantId(), a.get().ownerId(), Optional.of(a.get().id())));
        });
    }

    /** The account that mail for {@code address} goes to, if any (see {@link #checkRecipient}). */
    public Optional<Recipient> resolveRecipient(Caller caller, EmailAddress address) {
        return checkRecipient(caller, address) instanceof RecipientCheck.Accepted(Recipient r)
                ? Optional.of(r) : Optional.empty();
    }

    /** Checks a password against the stored hash; for sign-in paths until the identity work lands. */
    public Optional<User> verifyPassword(Caller caller, EmailAddress login, char[] password) {
        Optional<User> user = user(caller, login);
        boolean ok = user.isPresent() && !user.get().disabled() && hasher.verify(password, user.get().passwordHash());
        Arrays.fill(password, '\0');
        return ok ? user : Optional.empty();
    }

    private static String checkNote(String note) {
        if (note.length() > MAX_NOTE_CHARS) {
            throw new InvalidInputException("note must be at most " + MAX_NOTE_CHARS + " characters");
        }
        if (note.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
            throw new InvalidInputException("note must not contain control characters");
        }
        return note;
    }

    private static AddressView view(Address a, EmailAddress ownerLogin, Optional<String> note) {
        return new AddressView(a.id(), a.address(), a.ownerId(), ownerLogin, a.state(), note, a.createdAt(), a.revokedAt());
    }
}

package org.postern.auth.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.AuthSettings;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.mail.directory.Directory;
import org.postern.mail.directory.PasswordPolicy;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.EmailAddress;
import org.postern.model.InviteId;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.store.Domain;
import org.postern.store.MetadataStore;
import org.postern.store.User;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.Invite;

/**
 * Sign-up by invitation only. An admin of the tenant that hosts the login's domain creates an
 * invite (single use, expiring; only the token's hash is stored); the invitee accepts it with a
 * password and an address of their own, which must then be verified before the account can do
 * anything else.
 */
public final class Invitations {
    /** What the inviter hands to the invitee. The token is shown once. */
    public record Created(Invite invite, String token) {
        @Override
        public String toString() {
            return "Created[" + invite.id() + "]";
        }
    }

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final Directory directory;
    private final EmailVerification verification;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final Clock clock;

    public Invitations(MetadataStore store, AccessPolicy policy, Directory directory, EmailVerification verification,
            AuditLog audit, AuthSettings settings, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.directory = directory;
        this.verification = verification;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    public Created create(Caller inviter, EmailAddress login, Role role, ClientInfo client) {
        Scope broadest = policy.scopeFor(inviter);
        if (inviter instanceof Caller.User u && role.compareTo(u.role()) > 0) {
            throw new AccessDeniedException("cannot invite to a role above one's own");
        }
        if (role == Role.SERVER_ADMIN && !broadest.isServerWide()) {
            throw new AccessDeniedException("only server administrators invite server administrators");
        }
        Instant now = clock.instant();
        String token = OpaqueSecrets.inviteToken();
        Invite invite = store.inTransaction(tx -> {
            Domain domain = tx.domains().byName(broadest, login.domain())
                    .orElseThrow(() -> new NotFoundException("domain " + login.domain() + " is not hosted here"));
            Scope tenant = policy.tenantScope(inviter, domain.tenantId());
            if (tx.users().byLogin(policy.scopeFor(new Caller.System("invites")), login).isPresent()
                    || tx.addresses().byAddress(policy.scopeFor(new Caller.System("invites")), login).isPresent()) {
                throw new ConflictException("that address is already taken");
            }
            Invite created = new Invite(InviteId.random(), domain.tenantId(), login, role, OpaqueSecrets.hash(token),
                    AuditEvents.actor(inviter), now, now.plus(settings.inviteLifetime()), Optional.empty());
            // Making a server admin is a server-wide act (as in Directory.addUser): the store
            // refuses such an invite in a tenant scope, and only a server-wide caller gets here.
            tx.invites().create(role == Role.SERVER_ADMIN ? broadest : tenant, created);
            audit.record(tx, new org.postern.auth.audit.AuditEvent(Optional.of(domain.tenantId()), Optional.empty(),
                    AuditEvents.actor(inviter), "invite.create", "success", client.ip(), client.userAgent(),
                    Map.of("invite", created.id().toString(), "role", role.label(), "login_domain",
                            login.domain().toString())));
            return created;
        });
        return new Created(invite, token);
    }

    /**
     * Creates the invited account with {@code password}, unverified, and sends a code to
     * {@code ownAddress}. The password array is wiped.
     *
     * @throws AccessDeniedException for an unknown, used or expired invite (one answer for all)
     */
    public User accept(String token, char[] password, EmailAddress ownAddress, ClientInfo client) {
        try {
            PasswordPolicy.check(password);
            if (token == null || token.length() > 128) {
                throw new AccessDeniedException("invite not valid");
            }
            Instant now = clock.instant();
            Scope system = policy.scopeFor(new Caller.System("invites"));
            Invite invite = store.inTransaction(tx -> tx.invites().byTokenHash(system, OpaqueSecrets.hash(token)))
                    .filter(i -> i.usableAt(now))
                    .orElseThrow(() -> new AccessDeniedException("invite not valid"));
            // One transaction: the account, its unverified state, the spent invite and the code.
            // The unique login makes a second acceptance fail even if two race past the check above.
            try {
                return directory.addUser(new Caller.System("invites"), invite.login(), invite.role(), password,
                        (tx, user) -> {
                            if (!tx.invites().markUsed(system, invite.id(), now)) {
                                throw new AccessDeniedException("invite not valid");
                            }
                            tx.securitySettings().saveAccount(system, new AccountSecurity(user.id(), user.tenantId(),
                                    Optional.of(ownAddress), false, Optional.of(now)));
                            audit.record(tx, AuditEvents.self(user, "invite.accept", "success", client,
                                    Map.of("invite", invite.id().toString())));
                            verification.sendCode(tx, user, ownAddress);
                        });
            } catch (ConflictException e) {
                // The loser of two concurrent acceptances trips over the winner's login before it
                // reaches the spent invite; either way this invite can no longer make an account.
                throw new AccessDeniedException("invite not valid");
            }
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }
}

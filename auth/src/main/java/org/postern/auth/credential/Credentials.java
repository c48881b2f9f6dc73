package org.postern.auth.credential;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.model.CredentialId;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.store.MetadataStore;
import org.postern.store.identity.Credential;
import org.postern.store.identity.CredentialKind;

/**
 * App passwords (for IMAP and SMTP, which cannot ask for a TOTP code) and API tokens (for
 * scripts). Random, shown once, stored as hashes, scoped, named, revocable, with last-used times.
 * Only a full interactive session can create them: an API token cannot mint another.
 */
public final class Credentials {
    public static final Set<String> APP_PASSWORD_SCOPES = Set.of("imap", "smtp");
    public static final Set<String> API_TOKEN_SCOPES = Set.of("read-mail", "manage-mail", "send", "manage-addresses",
            "generate-alias", "account", "admin");
    public static final Duration MAX_API_TOKEN_LIFETIME = Duration.ofDays(366);
    /** Bounds what one account can pile up. */
    public static final int MAX_PER_KIND = 50;

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;

    public Credentials(MetadataStore store, AccessPolicy policy, AuditLog audit, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    public CreatedCredential createAppPassword(Principal principal, String name, Set<String> scopes, ClientInfo client) {
        return create(principal, CredentialKind.APP_PASSWORD, name, scopes, APP_PASSWORD_SCOPES, Optional.empty(), client);
    }

    public CreatedCredential createApiToken(Principal principal, String name, Set<String> scopes,
            Optional<Duration> lifetime, ClientInfo client) {
        lifetime.ifPresent(l -> {
            if (l.isNegative() || l.isZero() || l.compareTo(MAX_API_TOKEN_LIFETIME) > 0) {
                throw new InvalidInputException("token lifetime must be between 1 second and 366 days");
            }
        });
        if (scopes.contains("admin") && !principal.caller().role().isAdmin()) {
            throw new InvalidInputException("only admins can create admin tokens");
        }
        return create(principal, CredentialKind.API_TOKEN, name, scopes, API_TOKEN_SCOPES, lifetime, client);
    }

    private CreatedCredential create(Principal principal, CredentialKind kind, String name, Set<String> scopes,
            Set<String> allowed, Optional<Duration> lifetime, ClientInfo client) {
        principal.requireFullSession();
        String cleanName = checkName(name);
        if (scopes == null || scopes.isEmpty() || !allowed.containsAll(scopes)) {
            throw new InvalidInputException("scopes must be some of " + new TreeSet<>(allowed));
        }
        Caller.User me = principal.caller();
        Scope mine = policy.userScope(me, me.tenantId(), me.userId());
        Instant now = clock.instant();
        CredentialId id = CredentialId.random();
        String secret = kind == CredentialKind.APP_PASSWORD ? OpaqueSecrets.appPassword() : OpaqueSecrets.apiToken(id);
        byte[] hash = kind == CredentialKind.APP_PASSWORD ? OpaqueSecrets.hashGrouped(secret) : OpaqueSecrets.hash(secret);
        Credential credential = new Credential(id, me.tenantId(), me.userId(), kind, cleanName, scopes, hash, now,
                lifetime.map(now::plus), Optional.empty(), Optional.empty());
        store.inTransaction(tx -> {
            if (tx.credentials().listUnrevoked(mine, me.userId(), kind).size() >= MAX_PER_KIND) {
                throw new InvalidInputException("too many " + label(kind) + "s; revoke some first");
            }
            tx.credentials().create(mine, credential);
            audit.record(tx, AuditEvents.about(me.tenantId(), me.userId(), AuditEvents.actor(me),
                    label(kind).replace(' ', '_') + ".create", "success", client,
                    Map.of("credential", id.toString(), "scopes", String.join(",", new TreeSet<>(scopes)))));
            return null;
        });
        return new CreatedCredential(credential, secret);
    }

    public List<Credential> list(Principal principal, CredentialKind kind) {
        principal.requireApiScope("account");
        Caller.User me = principal.caller();
        Scope mine = policy.userScope(me, me.tenantId(), me.userId());
        return store.inTransaction(tx -> tx.credentials().listUnrevoked(mine, me.userId(), kind));
    }

    public void revoke(Principal principal, CredentialId id, ClientInfo client) {
        principal.requireApiScope("account");
        Caller.User me = principal.caller();
        Scope mine = policy.userScope(me, me.tenantId(), me.userId());
        Instant now = clock.instant();
        boolean revoked = store.inTransaction(tx -> {
            Optional<Credential> found = tx.credentials().byId(mine, id).filter(c -> c.userId().equals(me.userId()));
            if (found.isEmpty() || !tx.credentials().revoke(mine, id, now)) {
                return false;
            }
            audit.record(tx, AuditEvents.about(me.tenantId(), me.userId(), AuditEvents.actor(me),
                    label(found.get().kind()).replace(' ', '_') + ".revoke", "success", client,
                    Map.of("credential", id.toString())));
            return true;
        });
        if (!revoked) {
            throw new NotFoundException("no such credential");
        }
    }

    private static String label(CredentialKind kind) {
        return kind == CredentialKind.APP_PASSWORD ? "app password" : "api token";
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank() || name.length() > Credential.MAX_NAME_CHARS
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("name must be 1.." + Credential.MAX_NAME_CHARS
                    + " characters without control characters");
        }
        return name.strip();
    }
}

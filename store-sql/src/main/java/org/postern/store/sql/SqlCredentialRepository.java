package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.postern.access.Scope;
import org.postern.model.CredentialId;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.Credential;
import org.postern.store.identity.CredentialKind;
import org.postern.store.identity.CredentialRepository;

/** App passwords and API tokens, owned by their user; only the SHA-256 of the secret is stored. */
final class SqlCredentialRepository extends SqlRepository implements CredentialRepository {
    static final int MAX_SCOPES = 32;
    /** Scope names are short lower-case words ("imap", "read-mail"); one column holds them, space-separated. */
    private static final Pattern SCOPE_NAME = Pattern.compile("[a-z0-9][a-z0-9:._-]{0,63}");
    private static final String COLUMNS = "id, tenant_id, owner_id, kind, name, scopes, secret_hash, created_at,"
            + " expires_at, last_used_at, revoked_at";

    SqlCredentialRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void create(Scope scope, Credential credential) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(credential.id(), "id");
        Objects.requireNonNull(credential.tenantId(), "tenantId");
        Objects.requireNonNull(credential.userId(), "userId");
        Objects.requireNonNull(credential.kind(), "kind");
        Objects.requireNonNull(credential.createdAt(), "createdAt");
        Objects.requireNonNull(credential.expiresAt(), "expiresAt");
        Objects.requireNonNull(credential.lastUsedAt(), "lastUsedAt");
        Objects.requireNonNull(credential.revokedAt(), "revokedAt");
        Inputs.text(credential.name(), "credential name", Credential.MAX_NAME_CHARS);
        Inputs.sha256(credential.secretHash(), "secret hash");
        String scopes = encodeScopes(credential.scopes());
        if (!scope.allowsOwner(credential.tenantId(), credential.userId())) {
            throw new NotFoundException("user not found");
        }
        sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, credential.tenantId(), credential.userId())) {
                throw new NotFoundException("user not found");
            }
            return h.createUpdate("INSERT INTO credentials (" + COLUMNS + ") VALUES (:id, :tenantId, :ownerId, :kind,"
                            + " :name, :scopes, :hash, :createdAt, :expiresAt, :lastUsedAt, :revokedAt)")
                    .bind("id", credential.id().value().toString())
                    .bind("tenantId", credential.tenantId().value().toString())
                    .bind("ownerId", credential.userId().value().toString())
                    .bind("kind", credential.kind().name())
                    .bind("name", credential.name())
                    .bind("scopes", scopes)
                    .bind("hash", credential.secretHash())
                    .bind("createdAt", Rows.millis(credential.createdAt()))
                    .bind("expiresAt", Rows.millis(credential.expiresAt()))
                    .bind("lastUsedAt", Rows.millis(credential.lastUsedAt()))
                    .bind("revokedAt", Rows.millis(credential.revokedAt()))
                    .execute();
        });
    }

    @Override
    public Optional<Credential> byId(Scope scope, CredentialId id) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM credentials WHERE id = :id" + f.sql())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<Credential> listUnrevoked(Scope scope, UserId user, CredentialKind kind) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(kind, "kind");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM credentials WHERE owner_id = :user AND kind = :kind"
                        + " AND revoked_at IS NULL" + f.sql() + " ORDER BY created_at DESC, id")
                .bind("user", user.value().toString())
                .bind("kind", kind.name())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean revoke(Scope scope, CredentialId id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE credentials SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL"
                        + f.sql())
                .bind("at", Rows.millis(at))
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public int revokeAllOf(Scope scope, UserId user, Instant at) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE credentials SET revoked_at = :at"
                        + " WHERE owner_id = :user AND revoked_at IS NULL" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("user", user.value().toString())
                .bindMap(f.params())
                .execute());
    }

    @Override
    public void touch(Scope scope, CredentialId id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        sql(scope, h -> h.createUpdate("UPDATE credentials SET last_used_at = :at WHERE id = :id" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute());
    }

    static String encodeScopes(Set<String> scopes) {
        Objects.requireNonNull(scopes, "scopes");
        if (scopes.size() > MAX_SCOPES) {
            throw new InvalidInputException("a credential has more than " + MAX_SCOPES + " scopes");
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String s : scopes) {
            if (s == null || !SCOPE_NAME.matcher(s).matches()) {
                throw new InvalidInputException("a credential scope is not a short lower-case name");
            }
            sorted.add(s);
        }
        return String.join(" ", sorted);
    }

    private static Set<String> decodeScopes(String column) {
        if (column == null || column.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(column.split(" ")).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static Credential map(ResultSet rs) throws SQLException {
        return new Credential(CredentialId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                UserId.parse(rs.getString("owner_id")), CredentialKind.valueOf(rs.getString("kind")),
                rs.getString("name"), decodeScopes(rs.getString("scopes")), rs.getBytes("secret_hash"),
                Rows.instant(rs, "created_at"), Rows.optionalInstant(rs, "expires_at"),
                Rows.optionalInstant(rs, "last_used_at"), Rows.optionalInstant(rs, "revoked_at"));
    }
}

package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.EmailAddress;
import org.postern.model.InviteId;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.store.identity.Invite;
import org.postern.store.identity.InviteRepository;

/**
 * Invitations are tenant-level rows that no user owns yet: a tenant or server scope sees and
 * changes them, a user scope sees none (as for changing domains).
 */
final class SqlInviteRepository extends SqlRepository implements InviteRepository {
    static final int MAX_CREATED_BY_CHARS = 200;
    private static final String COLUMNS = "id, tenant_id, login, role, token_hash, created_by, created_at, expires_at, used_at";

    SqlInviteRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void create(Scope scope, Invite invite) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(invite, "invite");
        Objects.requireNonNull(invite.id(), "id");
        Objects.requireNonNull(invite.tenantId(), "tenantId");
        Objects.requireNonNull(invite.login(), "login");
        Objects.requireNonNull(invite.role(), "role");
        Objects.requireNonNull(invite.createdAt(), "createdAt");
        Objects.requireNonNull(invite.expiresAt(), "expiresAt");
        Objects.requireNonNull(invite.usedAt(), "usedAt");
        Inputs.sha256(invite.tokenHash(), "invite token hash");
        Inputs.text(invite.createdBy(), "inviter", MAX_CREATED_BY_CHARS);
        if (scope.user().isPresent() || !scope.allowsTenant(invite.tenantId())) {
            throw new NotFoundException("tenant not found");
        }
        if (invite.role() == Role.SERVER_ADMIN && !scope.isServerWide()) {
            // As for creating users: a narrower scope must not mint a broader one.
            throw new AccessDeniedException("only a server-wide scope can invite a server admin");
        }
        sql(scope, h -> {
            if (!SqlTenantRepository.exists(h, invite.tenantId())) {
                throw new NotFoundException("tenant not found");
            }
            return h.createUpdate("INSERT INTO invites (" + COLUMNS + ") VALUES (:id, :tenantId, :login, :role, :hash,"
                            + " :createdBy, :createdAt, :expiresAt, :usedAt)")
                    .bind("id", invite.id().value().toString())
                    .bind("tenantId", invite.tenantId().value().toString())
                    .bind("login", invite.login().toString())
                    .bind("role", invite.role().name())
                    .bind("hash", invite.tokenHash())
                    .bind("createdBy", invite.createdBy())
                    .bind("createdAt", Rows.millis(invite.createdAt()))
                    .bind("expiresAt", Rows.millis(invite.expiresAt()))
                    .bind("usedAt", Rows.millis(invite.usedAt()))
                    .execute();
        });
    }

    @Override
    public Optional<Invite> byTokenHash(Scope scope, byte[] tokenHash) {
        Objects.requireNonNull(scope, "scope");
        Inputs.sha256(tokenHash, "invite token hash");
        if (scope.user().isPresent()) {
            return Optional.empty();
        }
        ScopeFilter f = ScopeFilter.tenantLevel(scope, "tenant_id");
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM invites WHERE token_hash = :hash" + f.sql())
                .bind("hash", tokenHash)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public boolean markUsed(Scope scope, InviteId id, Instant at) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        if (scope.user().isPresent()) {
            return false;
        }
        ScopeFilter f = ScopeFilter.tenantLevel(scope, "tenant_id");
        return sql(scope, h -> h.createUpdate("UPDATE invites SET used_at = :at"
                        + " WHERE id = :id AND used_at IS NULL AND expires_at > :at" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public List<Invite> list(Scope scope, TenantId tenant) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        if (scope.user().isPresent() || !scope.allowsTenant(tenant)) {
            return List.of();
        }
        ScopeFilter f = ScopeFilter.tenantLevel(scope, "tenant_id");
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM invites WHERE tenant_id = :tenant" + f.sql()
                        + " ORDER BY created_at DESC, id")
                .bind("tenant", tenant.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    private static Invite map(ResultSet rs) throws SQLException {
        return new Invite(InviteId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                EmailAddress.parse(rs.getString("login")), Role.valueOf(rs.getString("role")),
                rs.getBytes("token_hash"), rs.getString("created_by"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "expires_at"), Rows.optionalInstant(rs, "used_at"));
    }
}

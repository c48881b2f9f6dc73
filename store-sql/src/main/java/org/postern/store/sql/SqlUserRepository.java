package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.EmailAddress;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.User;
import org.postern.store.UserRepository;

/** Users. A user scope sees and changes only its own row; creating users needs a tenant or server scope. */
final class SqlUserRepository extends SqlRepository implements UserRepository {
    static final int MAX_HASH_CHARS = 1024;
    private static final String COLUMNS = "id, tenant_id, login, role, password_hash, disabled, created_at, require_mfa";

    SqlUserRepository(Tx tx) {
        super(tx);
    }

    @Override
    public User create(Scope scope, TenantId tenant, EmailAddress login, Role role, String passwordHash) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(role, "role");
        Inputs.text(passwordHash, "password hash", MAX_HASH_CHARS);
        if (scope.user().isPresent() || !scope.allowsTenant(tenant)) {
            throw new NotFoundException("tenant not found");
        }
        if (role == Role.SERVER_ADMIN && !scope.isServerWide()) {
            // A server admin's scope is the whole server: a narrower scope must not mint a broader one.
            throw new AccessDeniedException("only a server-wide scope can create a server admin");
        }
        User user = new User(UserId.random(), tenant, login, role, passwordHash, false, tx.now(), false);
        int inserted = sql(scope, h -> {
            if (!SqlTenantRepository.exists(h, tenant)) {
                throw new NotFoundException("tenant not found");
            }
            return h.createUpdate("INSERT INTO users (id, tenant_id, login, role, password_hash, disabled, created_at)"
                            + " VALUES (:id, :tenantId, :login, :role, :hash, :disabled, :createdAt) ON CONFLICT DO NOTHING")
                    .bind("id", user.id().value().toString())
                    .bind("tenantId", tenant.value().toString())
                    .bind("login", login.toString())
                    .bind("role", role.name())
                    .bind("hash", passwordHash)
                    .bind("disabled", false)
                    .bind("createdAt", Rows.millis(user.createdAt()))
                    .execute();
        });
        if (inserted == 0) {
            throw new ConflictException("login already exists");
        }
        return user;
    }

    @Override
    public Optional<User> byId(Scope scope, UserId id) {
        Objects.requireNonNull(id, "id");
        return one(scope, "id = :id", "id", id.value().toString());
    }

    @Override
    public Optional<User> byLogin(Scope scope, EmailAddress login) {
        Objects.requireNonNull(login, "login");
        return one(scope, "login = :login", "login", login.toString());
    }

    @Override
    public List<User> list(Scope scope) {
        ScopeFilter f = ScopeFilter.users(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE 1 = 1" + f.sql() + " ORDER BY login")
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean setDisabled(Scope scope, UserId id, boolean disabled) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.users(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE users SET disabled = :disabled WHERE id = :id" + f.sql())
                .bind("disabled", disabled)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean setPasswordHash(Scope scope, UserId id, String passwordHash) {
        Objects.requireNonNull(id, "id");
        Inputs.text(passwordHash, "password hash", MAX_HASH_CHARS);
        ScopeFilter f = ScopeFilter.users(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id" + f.sql())
                .bind("hash", passwordHash)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean setRole(Scope scope, UserId id, Role role) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(scope, "scope");
        if (scope.user().isPresent()) {
            throw new AccessDeniedException("a user scope cannot change roles");
        }
        // Making or unmaking a server admin is a server-wide act; a tenant scope touches only the rest.
        String serverAdminGuard = scope.isServerWide() ? "" : " AND role <> 'SERVER_ADMIN' AND :role <> 'SERVER_ADMIN'";
        ScopeFilter f = ScopeFilter.users(scope);
        return sql(scope, h -> h.createUpdate("UPDATE users SET role = :role WHERE id = :id" + serverAdminGuard + f.sql())
                .bind("role", role.name())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean setMfaRequired(Scope scope, UserId id, boolean required) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        if (scope.user().isPresent()) {
            // Otherwise a user could lift the requirement an admin put on them.
            throw new AccessDeniedException("a user scope cannot change who must use MFA");
        }
        String serverAdminGuard = scope.isServerWide() ? "" : " AND role <> 'SERVER_ADMIN'";
        ScopeFilter f = ScopeFilter.users(scope);
        return sql(scope, h -> h.createUpdate("UPDATE users SET require_mfa = :required WHERE id = :id"
                        + serverAdminGuard + f.sql())
                .bind("required", required)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    private Optional<User> one(Scope scope, String condition, String param, String value) {
        ScopeFilter f = ScopeFilter.users(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE " + condition + f.sql())
                .bind(param, value)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(UserId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                EmailAddress.parse(rs.getString("login")), Role.valueOf(rs.getString("role")),
                rs.getString("password_hash"), rs.getBoolean("disabled"), Rows.instant(rs, "created_at"),
                rs.getBoolean("require_mfa"));
    }

    /** Whether {@code owner} is a user of {@code tenant} (the caller has already checked the scope). */
    static boolean isUserOf(Handle h, TenantId tenant, UserId owner) {
        return h.createQuery("SELECT 1 FROM users WHERE id = :owner AND tenant_id = :tenant")
                .bind("owner", owner.value().toString())
                .bind("tenant", tenant.value().toString())
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }
}

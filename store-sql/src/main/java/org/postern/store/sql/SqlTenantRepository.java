package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.TenantId;
import org.postern.store.Tenant;
import org.postern.store.TenantRepository;

final class SqlTenantRepository extends SqlRepository implements TenantRepository {
    static final int MAX_NAME_CHARS = 200;
    private static final String COLUMNS = "id, name, created_at";

    SqlTenantRepository(Tx tx) {
        super(tx);
    }

    @Override
    public Tenant create(Scope scope, String name) {
        Objects.requireNonNull(scope, "scope");
        if (!scope.isServerWide()) {
            throw new AccessDeniedException("creating a tenant needs a server-wide scope");
        }
        Inputs.text(name, "tenant name", MAX_NAME_CHARS);
        Tenant tenant = new Tenant(TenantId.random(), name, tx.now());
        int inserted = sql(scope, h -> h.createUpdate(
                        "INSERT INTO tenants (id, name, created_at) VALUES (:id, :name, :createdAt) ON CONFLICT DO NOTHING")
                .bind("id", tenant.id().value().toString())
                .bind("name", name)
                .bind("createdAt", Rows.millis(tenant.createdAt()))
                .execute());
        if (inserted == 0) {
            throw new ConflictException("tenant name already exists");
        }
        return tenant;
    }

    @Override
    public Optional<Tenant> byId(Scope scope, TenantId id) {
        Objects.requireNonNull(id, "id");
        return one(scope, "id = :id", "id", id.value().toString());
    }

    @Override
    public Optional<Tenant> byName(Scope scope, String name) {
        Objects.requireNonNull(name, "name");
        return one(scope, "name = :name", "name", name);
    }

    @Override
    public List<Tenant> list(Scope scope) {
        ScopeFilter f = ScopeFilter.tenantLevel(Objects.requireNonNull(scope, "scope"), "id");
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM tenants WHERE 1 = 1" + f.sql() + " ORDER BY name")
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    private Optional<Tenant> one(Scope scope, String condition, String param, String value) {
        ScopeFilter f = ScopeFilter.tenantLevel(Objects.requireNonNull(scope, "scope"), "id");
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM tenants WHERE " + condition + f.sql())
                .bind(param, value)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    private static Tenant map(ResultSet rs) throws SQLException {
        return new Tenant(TenantId.parse(rs.getString("id")), rs.getString("name"), Rows.instant(rs, "created_at"));
    }

    /** Whether the tenant row exists (the caller has already checked the scope). */
    static boolean exists(org.jdbi.v3.core.Handle h, TenantId tenant) {
        return h.createQuery("SELECT 1 FROM tenants WHERE id = :id")
                .bind("id", tenant.value().toString())
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }
}

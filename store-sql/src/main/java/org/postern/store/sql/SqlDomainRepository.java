package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.ConflictException;
import org.postern.model.DomainId;
import org.postern.model.DomainName;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.store.Domain;
import org.postern.store.DomainRepository;

/** Domains are tenant-level rows: a user scope may read its tenant's, only a tenant or server scope may change them. */
final class SqlDomainRepository extends SqlRepository implements DomainRepository {
    private static final String COLUMNS = "id, tenant_id, name, created_at";

    SqlDomainRepository(Tx tx) {
        super(tx);
    }

    @Override
    public Domain add(Scope scope, TenantId tenant, DomainName name) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(name, "name");
        if (scope.user().isPresent() || !scope.allowsTenant(tenant)) {
            throw new NotFoundException("tenant not found");
        }
        Domain domain = new Domain(DomainId.random(), tenant, name, tx.now());
        int inserted = sql(scope, h -> {
            if (!SqlTenantRepository.exists(h, tenant)) {
                throw new NotFoundException("tenant not found");
            }
            return h.createUpdate("INSERT INTO domains (id, tenant_id, name, created_at)"
                            + " VALUES (:id, :tenantId, :name, :createdAt) ON CONFLICT DO NOTHING")
                    .bind("id", domain.id().value().toString())
                    .bind("tenantId", tenant.value().toString())
                    .bind("name", name.ascii())
                    .bind("createdAt", Rows.millis(domain.createdAt()))
                    .execute();
        });
        if (inserted == 0) {
            throw new ConflictException("domain already hosted");
        }
        return domain;
    }

    @Override
    public Optional<Domain> byName(Scope scope, DomainName name) {
        Objects.requireNonNull(name, "name");
        ScopeFilter f = ScopeFilter.tenantLevel(Objects.requireNonNull(scope, "scope"), "tenant_id");
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM domains WHERE name = :name" + f.sql())
                .bind("name", name.ascii())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<Domain> list(Scope scope) {
        ScopeFilter f = ScopeFilter.tenantLevel(Objects.requireNonNull(scope, "scope"), "tenant_id");
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM domains WHERE 1 = 1" + f.sql() + " ORDER BY name")
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean remove(Scope scope, DomainName name) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        if (scope.user().isPresent()) {
            return false;
        }
        ScopeFilter f = ScopeFilter.tenantLevel(scope, "tenant_id");
        return sql(scope, h -> h.createUpdate("DELETE FROM domains WHERE name = :name" + f.sql())
                .bind("name", name.ascii())
                .bindMap(f.params())
                .execute()) == 1;
    }

    private static Domain map(ResultSet rs) throws SQLException {
        return new Domain(DomainId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                new DomainName(rs.getString("name")), Rows.instant(rs, "created_at"));
    }
}

package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.postern.access.Scope;
import org.postern.model.ConflictException;
import org.postern.model.DomainName;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.store.DkimAlgorithm;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyRepository;
import org.postern.store.DkimKeyState;

/** DKIM keys are tenant-level rows under their domain: a user scope may read its tenant's, only a tenant or server scope may change them. */
final class SqlDkimKeyRepository extends SqlRepository implements DkimKeyRepository {
    /** A selector is one DNS label (RFC 6376 §3.1 allows dots; we never make them). */
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_PUBLIC_KEY_BYTES = 4096;
    private static final int MAX_SEALED_BYTES = 8192;
    private static final String SELECT = "SELECT k.tenant_id, d.name, k.selector, k.algorithm, k.public_key,"
            + " k.sealed_private_key, k.created_at, k.state FROM dkim_keys k JOIN domains d ON d.id = k.domain_id";

    SqlDkimKeyRepository(Tx tx) {
        super(tx);
    }

    static String selector(String selector) {
        if (selector == null || !SELECTOR.matcher(selector).matches()) {
            throw new InvalidInputException("selector must be one DNS label of lower-case letters, digits and hyphens");
        }
        return selector;
    }

    @Override
    public void insert(Scope scope, DkimKey key) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
        selector(key.selector());
        Inputs.bytes(key.publicKey(), "public key", MAX_PUBLIC_KEY_BYTES);
        Inputs.bytes(key.sealedPrivateKey(), "sealed private key", MAX_SEALED_BYTES);
        if (scope.user().isPresent() || !scope.allowsTenant(key.tenantId())) {
            throw new NotFoundException("domain not found");
        }
        int inserted = sql(scope, h -> {
            String domainId = domainId(h, key.tenantId(), key.domain())
                    .orElseThrow(() -> new NotFoundException("domain not found"));
            return h.createUpdate("INSERT INTO dkim_keys (domain_id, tenant_id, selector, algorithm, public_key,"
                            + " sealed_private_key, created_at, state) VALUES (:domainId, :tenantId, :selector, :algorithm,"
                            + " :publicKey, :sealed, :createdAt, :state) ON CONFLICT DO NOTHING")
                    .bind("domainId", domainId)
                    .bind("tenantId", key.tenantId().value().toString())
                    .bind("selector", key.selector())
                    .bind("algorithm", key.algorithm().name())
                    .bind("publicKey", key.publicKey())
                    .bind("sealed", key.sealedPrivateKey())
                    .bind("createdAt", Rows.millis(key.createdAt()))
                    .bind("state", key.state().name())
                    .execute();
        });
        if (inserted == 0) {
            throw new ConflictException("the domain already has a DKIM key with that selector");
        }
    }

    private static Optional<String> domainId(Handle h, TenantId tenant, DomainName domain) {
        return h.createQuery("SELECT id FROM domains WHERE name = :name AND tenant_id = :tenant")
                .bind("name", domain.ascii())
                .bind("tenant", tenant.value().toString())
                .mapTo(String.class)
                .findOne();
    }

    @Override
    public List<DkimKey> byDomain(Scope scope, DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        ScopeFilter f = ScopeFilter.tenantLevel(Objects.requireNonNull(scope, "scope"), "k.tenant_id");
        return sql(scope, h -> h.createQuery(SELECT + " WHERE d.name = :name" + f.sql() + " ORDER BY k.created_at, k.selector")
                .bind("name", domain.ascii())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public List<DkimKey> list(Scope scope) {
        ScopeFilter f = ScopeFilter.tenantLevel(Objects.requireNonNull(scope, "scope"), "k.tenant_id");
        return sql(scope, h -> h.createQuery(SELECT + " WHERE 1 = 1" + f.sql() + " ORDER BY d.name, k.created_at, k.selector")
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean setState(Scope scope, DomainName domain, String selector, DkimKeyState state) {
        Objects.requireNonNull(state, "state");
        return update(scope, domain, selector, "state = :value", state.name());
    }

    @Override
    public boolean reseal(Scope scope, DomainName domain, String selector, byte[] sealedPrivateKey) {
        Inputs.bytes(sealedPrivateKey, "sealed private key", MAX_SEALED_BYTES);
        return update(scope, domain, selector, "sealed_private_key = :value", sealedPrivateKey.clone());
    }

    @Override
    public boolean delete(Scope scope, DomainName domain, String selector) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        if (scope.user().isPresent()) {
            return false;
        }
        ScopeFilter f = ScopeFilter.tenantLevel(scope, "tenant_id");
        return sql(scope, h -> h.createUpdate("DELETE FROM dkim_keys WHERE selector = :selector"
                        + " AND domain_id = (SELECT id FROM domains WHERE name = :name)" + f.sql())
                .bind("selector", selector)
                .bind("name", domain.ascii())
                .bindMap(f.params())
                .execute()) == 1;
    }

    private boolean update(Scope scope, DomainName domain, String selector, String assignment, Object value) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        if (scope.user().isPresent()) {
            return false;
        }
        ScopeFilter f = ScopeFilter.tenantLevel(scope, "tenant_id");
        return sql(scope, h -> h.createUpdate("UPDATE dkim_keys SET " + assignment + " WHERE selector = :selector"
                        + " AND domain_id = (SELECT id FROM domains WHERE name = :name)" + f.sql())
                .bind("value", value)
                .bind("selector", selector)
                .bind("name", domain.ascii())
                .bindMap(f.params())
                .execute()) == 1;
    }

    private static DkimKey map(ResultSet rs) throws SQLException {
        return new DkimKey(TenantId.parse(rs.getString("tenant_id")), new DomainName(rs.getString("name")),
                selector(rs.getString("selector")), DkimAlgorithm.valueOf(rs.getString("algorithm")),
                rs.getBytes("public_key"), rs.getBytes("sealed_private_key"), Rows.instant(rs, "created_at"),
                DkimKeyState.valueOf(rs.getString("state")));
    }
}

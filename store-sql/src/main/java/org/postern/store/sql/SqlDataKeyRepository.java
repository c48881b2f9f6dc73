package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.ConflictException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.DataKeyRepository;
import org.postern.store.WrappedDataKey;

final class SqlDataKeyRepository extends SqlRepository implements DataKeyRepository {
    static final int MAX_MASTER_KEY_ID_CHARS = 200;
    private static final String COLUMNS = "owner_id, tenant_id, master_key_id, wrapped, created_at";

    SqlDataKeyRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void insert(Scope scope, WrappedDataKey key) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(key.tenantId(), "tenantId");
        Objects.requireNonNull(key.ownerId(), "ownerId");
        Objects.requireNonNull(key.createdAt(), "createdAt");
        Inputs.text(key.masterKeyId(), "master key id", MAX_MASTER_KEY_ID_CHARS);
        requireWrapped(key.wrapped());
        if (!scope.allowsOwner(key.tenantId(), key.ownerId())) {
            throw new NotFoundException("owner not found");
        }
        int inserted = sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, key.tenantId(), key.ownerId())) {
                throw new NotFoundException("owner not found");
            }
            return h.createUpdate("INSERT INTO data_keys (owner_id, tenant_id, master_key_id, wrapped, created_at)"
                            + " VALUES (:ownerId, :tenantId, :masterKeyId, :wrapped, :createdAt) ON CONFLICT DO NOTHING")
                    .bind("ownerId", key.ownerId().value().toString())
                    .bind("tenantId", key.tenantId().value().toString())
                    .bind("masterKeyId", key.masterKeyId())
                    .bind("wrapped", key.wrapped())
                    .bind("createdAt", Rows.millis(key.createdAt()))
                    .execute();
        });
        if (inserted == 0) {
            throw new ConflictException("user already has a data key");
        }
    }

    @Override
    public Optional<WrappedDataKey> byOwner(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM data_keys WHERE owner_id = :owner" + f.sql())
                .bind("owner", owner.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<WrappedDataKey> list(Scope scope) {
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM data_keys WHERE 1 = 1" + f.sql() + " ORDER BY owner_id")
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean rewrap(Scope scope, UserId owner, String masterKeyId, byte[] wrapped) {
        Objects.requireNonNull(owner, "owner");
        Inputs.text(masterKeyId, "master key id", MAX_MASTER_KEY_ID_CHARS);
        requireWrapped(wrapped);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE data_keys SET master_key_id = :masterKeyId, wrapped = :wrapped"
                        + " WHERE owner_id = :owner" + f.sql())
                .bind("masterKeyId", masterKeyId)
                .bind("wrapped", wrapped)
                .bind("owner", owner.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean delete(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("DELETE FROM data_keys WHERE owner_id = :owner" + f.sql())
                .bind("owner", owner.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    private static void requireWrapped(byte[] wrapped) {
        if (wrapped == null || wrapped.length == 0) {
            throw new InvalidInputException("wrapped key is missing");
        }
    }

    private static WrappedDataKey map(ResultSet rs) throws SQLException {
        return new WrappedDataKey(TenantId.parse(rs.getString("tenant_id")), UserId.parse(rs.getString("owner_id")),
                rs.getString("master_key_id"), rs.getBytes("wrapped"), Rows.instant(rs, "created_at"));
    }
}

package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.AddressId;
import org.postern.model.ConflictException;
import org.postern.model.EmailAddress;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.Address;
import org.postern.store.AddressRepository;
import org.postern.store.AddressState;

final class SqlAddressRepository extends SqlRepository implements AddressRepository {
    private static final String COLUMNS = "id, tenant_id, owner_id, address, state, sealed_note, created_at, revoked_at";

    SqlAddressRepository(Tx tx) {
        super(tx);
    }

    @Override
    public Address create(Scope scope, TenantId tenant, UserId owner, EmailAddress address, byte[] sealedNote) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(address, "address");
        if (!scope.allowsOwner(tenant, owner)) {
            throw new NotFoundException("owner not found");
        }
        Address row = new Address(AddressId.random(), tenant, owner, address, AddressState.ACTIVE,
                Rows.copy(sealedNote), tx.now(), Optional.empty());
        int inserted = sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, tenant, owner)) {
                throw new NotFoundException("owner not found");
            }
            return h.createUpdate("INSERT INTO addresses (id, tenant_id, owner_id, address, state, sealed_note, created_at)"
                            + " VALUES (:id, :tenantId, :ownerId, :address, :state, :note, :createdAt) ON CONFLICT DO NOTHING")
                    .bind("id", row.id().value().toString())
                    .bind("tenantId", tenant.value().toString())
                    .bind("ownerId", owner.value().toString())
                    .bind("address", address.toString())
                    .bind("state", AddressState.ACTIVE.name())
                    .bind("note", row.sealedNote())
                    .bind("createdAt", Rows.millis(row.createdAt()))
                    .execute();
        });
        if (inserted == 0) {
            throw new ConflictException("address already exists");
        }
        return row;
    }

    @Override
    public Optional<Address> byId(Scope scope, AddressId id) {
        Objects.requireNonNull(id, "id");
        return one(scope, "id = :value", id.value().toString());
    }

    @Override
    public Optional<Address> byAddress(Scope scope, EmailAddress address) {
        Objects.requireNonNull(address, "address");
        return one(scope, "address = :value", address.toString());
    }

    @Override
    public List<Address> list(Scope scope, Optional<UserId> owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        String ownerCondition = owner.isPresent() ? " AND owner_id = :owner" : "";
        return sql(scope, h -> {
            var query = h.createQuery("SELECT " + COLUMNS + " FROM addresses WHERE 1 = 1" + ownerCondition + f.sql()
                    + " ORDER BY address");
            owner.ifPresent(o -> query.bind("owner", o.value().toString()));
            return query.bindMap(f.params()).map((rs, ctx) -> map(rs)).list();
        });
    }

    @Override
    public boolean revoke(Scope scope, AddressId id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE addresses SET state = :revoked, revoked_at = :at"
                        + " WHERE id = :id AND state <> :revoked" + f.sql())
                .bind("revoked", AddressState.REVOKED.name())
                .bind("at", Rows.millis(at))
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean setSuspended(Scope scope, AddressId id, boolean suspended) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        AddressState from = suspended ? AddressState.ACTIVE : AddressState.SUSPENDED;
        AddressState to = suspended ? AddressState.SUSPENDED : AddressState.ACTIVE;
        return sql(scope, h -> h.createUpdate("UPDATE addresses SET state = :to WHERE id = :id AND state = :from" + f.sql())
                .bind("to", to.name())
                .bind("from", from.name())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    private Optional<Address> one(Scope scope, String condition, String value) {
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM addresses WHERE " + condition + f.sql())
                .bind("value", value)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    private static Address map(ResultSet rs) throws SQLException {
        return new Address(AddressId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                UserId.parse(rs.getString("owner_id")), EmailAddress.parse(rs.getString("address")),
                AddressState.valueOf(rs.getString("state")), rs.getBytes("sealed_note"),
                Rows.instant(rs, "created_at"), Rows.optionalInstant(rs, "revoked_at"));
    }
}

package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import org.postern.access.Scope;
import org.postern.model.EmailAddress;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.OutboxMessage;
import org.postern.store.identity.OutboxRepository;

/** The local outbox: notices sealed by the caller, owned by the user they concern. */
final class SqlOutboxRepository extends SqlRepository implements OutboxRepository {
    static final int MAX_KIND_CHARS = 50;
    static final int MAX_SEALED_BYTES = 256 * 1024;
    static final int MAX_LIST = 500;
    private static final String COLUMNS = "id, tenant_id, owner_id, recipient, kind, sealed_message, created_at";

    SqlOutboxRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void add(Scope scope, OutboxMessage message) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(message.id(), "id");
        Objects.requireNonNull(message.tenantId(), "tenantId");
        Objects.requireNonNull(message.userId(), "userId");
        Objects.requireNonNull(message.recipient(), "recipient");
        Objects.requireNonNull(message.createdAt(), "createdAt");
        Inputs.text(message.kind(), "outbox kind", MAX_KIND_CHARS);
        Inputs.bytes(message.sealedMessage(), "sealed message", MAX_SEALED_BYTES);
        if (!scope.allowsOwner(message.tenantId(), message.userId())) {
            throw new NotFoundException("user not found");
        }
        sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, message.tenantId(), message.userId())) {
                throw new NotFoundException("user not found");
            }
            return h.createUpdate("INSERT INTO outbox (" + COLUMNS + ") VALUES (:id, :tenantId, :ownerId, :recipient,"
                            + " :kind, :sealed, :createdAt)")
                    .bind("id", message.id().toString())
                    .bind("tenantId", message.tenantId().value().toString())
                    .bind("ownerId", message.userId().value().toString())
                    .bind("recipient", message.recipient().toString())
                    .bind("kind", message.kind())
                    .bind("sealed", message.sealedMessage())
                    .bind("createdAt", Rows.millis(message.createdAt()))
                    .execute();
        });
    }

    @Override
    public List<OutboxMessage> list(Scope scope, int limit) {
        Inputs.limit(limit, MAX_LIST);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM outbox WHERE 1 = 1" + f.sql()
                        + " ORDER BY created_at DESC, id LIMIT :limit")
                .bind("limit", limit)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    private static OutboxMessage map(ResultSet rs) throws SQLException {
        return new OutboxMessage(Rows.uuid(rs, "id"), TenantId.parse(rs.getString("tenant_id")), UserId.parse(rs.getString("owner_id")),
                EmailAddress.parse(rs.getString("recipient")), rs.getString("kind"), rs.getBytes("sealed_message"),
                Rows.instant(rs, "created_at"));
    }
}

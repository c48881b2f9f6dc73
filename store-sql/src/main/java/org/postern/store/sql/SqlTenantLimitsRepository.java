package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.store.TenantLimits;
import org.postern.store.TenantLimitsRepository;

/**
 * A tenant's submission limit overrides: a user scope may read its tenant's (they apply to it),
 * only a tenant or server scope may change them; which values a tenant admin may choose is the
 * service's decision, not storage's. A missing row means no overrides.
 */
final class SqlTenantLimitsRepository extends SqlRepository implements TenantLimitsRepository {

    SqlTenantLimitsRepository(Tx tx) {
        super(tx);
    }

    @Override
    public TenantLimits get(Scope scope, TenantId tenant) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        if (!scope.allowsTenant(tenant)) {
            throw new NotFoundException("tenant not found");
        }
        return sql(scope, h -> {
            if (!SqlTenantRepository.exists(h, tenant)) {
                throw new NotFoundException("tenant not found");
            }
            return h.createQuery("SELECT tenant_id, max_message_bytes, max_recipients, messages_per_hour"
                            + " FROM tenant_limits WHERE tenant_id = :tenant")
                    .bind("tenant", tenant.value().toString())
                    .map((rs, ctx) -> map(rs))
                    .findOne();
        }).orElseGet(() -> TenantLimits.none(tenant));
    }

    @Override
    public void save(Scope scope, TenantLimits limits) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(limits, "limits");
        if (!scope.allowsTenant(limits.tenantId())) {
            throw new NotFoundException("tenant not found");
        }
        if (scope.user().isPresent()) {
            throw new AccessDeniedException("changing a tenant's limits needs a tenant or server scope");
        }
        String tenant = limits.tenantId().value().toString();
        sql(scope, h -> {
            if (!SqlTenantRepository.exists(h, limits.tenantId())) {
                throw new NotFoundException("tenant not found");
            }
            if (limits.equals(TenantLimits.none(limits.tenantId()))) {
                return h.createUpdate("DELETE FROM tenant_limits WHERE tenant_id = :tenant")
                        .bind("tenant", tenant).execute();
            }
            return h.createUpdate("INSERT INTO tenant_limits (tenant_id, max_message_bytes, max_recipients,"
                            + " messages_per_hour) VALUES (:tenant, :size, :recipients, :perHour)"
                            + " ON CONFLICT (tenant_id) DO UPDATE SET max_message_bytes = excluded.max_message_bytes,"
                            + " max_recipients = excluded.max_recipients,"
                            + " messages_per_hour = excluded.messages_per_hour")
                    .bind("tenant", tenant)
                    .bind("size", limits.maxMessageBytes().isPresent() ? limits.maxMessageBytes().getAsLong() : null)
                    .bind("recipients", limits.maxRecipients().isPresent()
                            ? (Long) (long) limits.maxRecipients().getAsInt() : null)
                    .bind("perHour", limits.messagesPerHour().isPresent()
                            ? (Long) (long) limits.messagesPerHour().getAsInt() : null)
                    .execute();
        });
    }

    private static TenantLimits map(ResultSet rs) throws SQLException {
        long size = rs.getLong("max_message_bytes");
        OptionalLong maxBytes = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(size);
        int recipients = rs.getInt("max_recipients");
        OptionalInt maxRecipients = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(recipients);
        int perHour = rs.getInt("messages_per_hour");
        OptionalInt messagesPerHour = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(perHour);
        return new TenantLimits(TenantId.parse(rs.getString("tenant_id")), maxBytes, maxRecipients, messagesPerHour);
    }
}

package org.postern.store.identity;

import org.postern.model.TenantId;

/** A tenant's security settings. Absent from storage means {@link #defaults}. */
public record TenantPolicy(TenantId tenantId, boolean requireMfa, RiskMode riskMode) {
    public static TenantPolicy defaults(TenantId tenant) {
        return new TenantPolicy(tenant, false, RiskMode.AUDIT);
    }
}

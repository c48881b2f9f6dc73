package org.postern.auth.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.audit.AuditEvent;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.MetadataStore;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.AuditQuery;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.TenantPolicy;

/**
 * What tenant admins decide about their tenant's security (require MFA for everyone, what to do
 * about risky sign-ins), and reading the audit log: users their own entries, tenant admins their
 * tenant's, server admins and the operator everything. The access policy draws those lines.
 */
public final class TenantSecurity {
    private final MetadataStore store;
    private final AccessPolicy policy;
    private final AuditLog audit;

    public TenantSecurity(MetadataStore store, AccessPolicy policy, AuditLog audit) {
        this.store = store;
        this.policy = policy;
        this.audit = audit;
    }

    public TenantPolicy policy(Caller caller, TenantId tenant) {
        Scope scope = policy.tenantScope(caller, tenant);
        return store.inTransaction(tx -> tx.securitySettings().tenant(scope, tenant));
    }

    public TenantPolicy setPolicy(Caller admin, TenantId tenant, boolean requireMfa, RiskMode riskMode, ClientInfo client) {
        Scope scope = policy.tenantScope(admin, tenant);
        TenantPolicy updated = new TenantPolicy(tenant, requireMfa, riskMode);
        store.inTransaction(tx -> {
            TenantPolicy before = tx.securitySettings().tenant(scope, tenant);
            tx.securitySettings().saveTenant(scope, updated);
            audit.record(tx, new AuditEvent(Optional.of(tenant), Optional.empty(), AuditEvents.actor(admin),
                    "tenant.security_policy", "success", client.ip(), client.userAgent(),
                    Map.of("require_mfa", Boolean.toString(requireMfa), "risk_mode", riskMode.name().toLowerCase(java.util.Locale.ROOT),
                            "was_require_mfa", Boolean.toString(before.requireMfa()),
                            "was_risk_mode", before.riskMode().name().toLowerCase(java.util.Locale.ROOT))));
            return null;
        });
        return updated;
    }

    /** A page of the audit log as the caller may see it, newest first, optionally about one user. */
    public List<AuditEntry> auditLog(Caller caller, Optional<UserId> subject, Optional<Long> beforeSeq, int limit) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.audit().list(scope, new AuditQuery(subject, beforeSeq, limit)));
    }

    /** One tenant's audit log, for an admin of that tenant or a server admin. */
    public List<AuditEntry> tenantAuditLog(Caller caller, TenantId tenant, Optional<UserId> subject, Optional<Long> beforeSeq,
            int limit) {
        Scope scope = policy.tenantScope(caller, tenant);
        return store.inTransaction(tx -> tx.audit().list(scope, new AuditQuery(subject, beforeSeq, limit)));
    }
}

package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.EmailAddress;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.SecuritySettingsRepository;
import org.postern.store.identity.TenantPolicy;

/**
 * Account security (owned by the user) and tenant policies (tenant-level: a user scope may read its
 * tenant's, only a tenant or server scope may change it). A missing row means the defaults.
 */
final class SqlSecuritySettingsRepository extends SqlRepository implements SecuritySettingsRepository {

    SqlSecuritySettingsRepository(Tx tx) {
        super(tx);
    }

    @Override
    public AccountSecurity account(Scope scope, TenantId tenant, UserId user) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(user, "user");
        if (!scope.allowsOwner(tenant, user)) {
            throw new NotFoundException("user not found");
        }
        return sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, tenant, user)) {
                throw new NotFoundException("user not found");
            }
            return h.createQuery("SELECT owner_id, tenant_id, recovery_address, email_verified, password_changed_at"
                            + " FROM account_security WHERE owner_id = :user AND tenant_id = :tenant")
                    .bind("user", user.value().toString())
                    .bind("tenant", tenant.value().toString())
                    .map((rs, ctx) -> mapAccount(rs))
                    .findOne();
        }).orElseGet(() -> AccountSecurity.defaults(tenant, user));
    }

    @Override
    public void saveAccount(Scope scope, AccountSecurity account) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(account.userId(), "userId");
        Objects.requireNonNull(account.tenantId(), "tenantId");
        Objects.requireNonNull(account.recoveryAddress(), "recoveryAddress");
        Objects.requireNonNull(account.passwordChangedAt(), "passwordChangedAt");
        if (!scope.allowsOwner(account.tenantId(), account.userId())) {
            throw new NotFoundException("user not found");
        }
        sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, account.tenantId(), account.userId())) {
                throw new NotFoundException("user not found");
            }
            return h.createUpdate("INSERT INTO account_security (owner_id, tenant_id, recovery_address, email_verified,"
                            + " password_changed_at) VALUES (:owner, :tenant, :recovery, :verified, :passwordChangedAt)"
                            + " ON CONFLICT (owner_id) DO UPDATE SET recovery_address = excluded.recovery_address,"
                            + " email_verified = excluded.email_verified,"
                            + " password_changed_at = excluded.password_changed_at")
                    .bind("owner", account.userId().value().toString())
                    .bind("tenant", account.tenantId().value().toString())
                    .bind("recovery", account.recoveryAddress().map(EmailAddress::toString).orElse(null))
                    .bind("verified", account.emailVerified())
                    .bind("passwordChangedAt", Rows.millis(account.passwordChangedAt()))
                    .execute();
        });
    }

    @Override
    public TenantPolicy tenant(Scope scope, TenantId tenant) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        if (!scope.allowsTenant(tenant)) {
            throw new NotFoundException("tenant not found");
        }
        return sql(scope, h -> {
            if (!SqlTenantRepository.exists(h, tenant)) {
                throw new NotFoundException("tenant not found");
            }
            return h.createQuery("SELECT tenant_id, require_mfa, risk_mode FROM tenant_policies WHERE tenant_id = :tenant")
                    .bind("tenant", tenant.value().toString())
                    .map((rs, ctx) -> mapPolicy(rs))
                    .findOne();
        }).orElseGet(() -> TenantPolicy.defaults(tenant));
    }

    @Override
    public void saveTenant(Scope scope, TenantPolicy policy) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(policy.tenantId(), "tenantId");
        Objects.requireNonNull(policy.riskMode(), "riskMode");
        if (!scope.allowsTenant(policy.tenantId())) {
            throw new NotFoundException("tenant not found");
        }
        if (scope.user().isPresent()) {
            // The user sees this policy (it applies to them) but may not change it.
            throw new AccessDeniedException("changing a tenant's policy needs a tenant or server scope");
        }
        sql(scope, h -> {
            if (!SqlTenantRepository.exists(h, policy.tenantId())) {
                throw new NotFoundException("tenant not found");
            }
            return h.createUpdate("INSERT INTO tenant_policies (tenant_id, require_mfa, risk_mode)"
                            + " VALUES (:tenant, :requireMfa, :riskMode)"
                            + " ON CONFLICT (tenant_id) DO UPDATE SET require_mfa = excluded.require_mfa,"
                            + " risk_mode = excluded.risk_mode")
                    .bind("tenant", policy.tenantId().value().toString())
                    .bind("requireMfa", policy.requireMfa())
                    .bind("riskMode", policy.riskMode().name())
                    .execute();
        });
    }

    private static AccountSecurity mapAccount(ResultSet rs) throws SQLException {
        String recovery = rs.getString("recovery_address");
        return new AccountSecurity(UserId.parse(rs.getString("owner_id")), TenantId.parse(rs.getString("tenant_id")),
                Optional.ofNullable(recovery).map(EmailAddress::parse), rs.getBoolean("email_verified"),
                Rows.optionalInstant(rs, "password_changed_at"));
    }

    private static TenantPolicy mapPolicy(ResultSet rs) throws SQLException {
        return new TenantPolicy(TenantId.parse(rs.getString("tenant_id")), rs.getBoolean("require_mfa"),
                RiskMode.valueOf(rs.getString("risk_mode")));
    }
}

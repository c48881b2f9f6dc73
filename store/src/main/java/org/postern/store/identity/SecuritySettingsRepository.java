package org.postern.store.identity;

import org.postern.access.Scope;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** Per-account and per-tenant security settings. */
public interface SecuritySettingsRepository {
    /** The account's settings, or {@link AccountSecurity#defaults} when none are stored. @throws org.postern.model.NotFoundException if the user is not in scope */
    AccountSecurity account(Scope scope, TenantId tenant, UserId user);

    void saveAccount(Scope scope, AccountSecurity account);

    /** The tenant's policy, or {@link TenantPolicy#defaults}. @throws org.postern.model.NotFoundException if not in scope */
    TenantPolicy tenant(Scope scope, TenantId tenant);

    /** Needs a tenant or server scope. @throws org.postern.model.AccessDeniedException for a user scope */
    void saveTenant(Scope scope, TenantPolicy policy);
}

package org.postern.store;

import org.postern.access.Scope;
import org.postern.model.TenantId;

/** Per-tenant overrides of the server's submission limits (message size, recipients, messages per hour). */
public interface TenantLimitsRepository {
    /**
     * The tenant's overrides, or {@link TenantLimits#none} when none are stored. A user scope may read
     * its own tenant's (they apply to it).
     *
     * @throws org.postern.model.NotFoundException if the tenant is not in scope or does not exist
     */
    TenantLimits get(Scope scope, TenantId tenant);

    /**
     * Stores the overrides (all empty removes the row). Needs a tenant or server scope.
     *
     * @throws org.postern.model.AccessDeniedException for a user scope
     * @throws org.postern.model.NotFoundException if the tenant is not in scope or does not exist
     */
    void save(Scope scope, TenantLimits limits);
}

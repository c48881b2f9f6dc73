package org.postern.store;

import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.TenantId;

/** Tenants. Creating one needs a server-wide scope; a tenant-limited scope sees only its own tenant. */
public interface TenantRepository {
    /** @throws org.postern.model.ConflictException if the name is taken */
    Tenant create(Scope scope, String name);

    Optional<Tenant> byId(Scope scope, TenantId id);

    Optional<Tenant> byName(Scope scope, String name);

    List<Tenant> list(Scope scope);
}

package org.postern.store;

import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.DomainName;
import org.postern.model.TenantId;

/** Hosted domains. A name is hosted by at most one tenant on the whole server. */
public interface DomainRepository {
    /** @throws org.postern.model.ConflictException if any tenant already hosts the name */
    Domain add(Scope scope, TenantId tenant, DomainName name);

    Optional<Domain> byName(Scope scope, DomainName name);

    List<Domain> list(Scope scope);

    /** Removes the domain; false when it is not there (or not in scope). */
    boolean remove(Scope scope, DomainName name);
}

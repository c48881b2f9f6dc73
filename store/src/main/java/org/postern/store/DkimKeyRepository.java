package org.postern.store;

import java.util.List;
import org.postern.access.Scope;
import org.postern.model.DomainName;

/**
 * Hosted domains' DKIM keys: tenant-level rows, like domains. A user scope may read its tenant's
 * keys (public parts are published anyway); only a tenant or server scope may change them. A
 * domain's keys go with it when the domain is removed.
 */
public interface DkimKeyRepository {
    /**
     * @throws org.postern.model.NotFoundException if the domain is not hosted by the key's tenant in scope
     * @throws org.postern.model.ConflictException if the domain already has a key with that selector
     */
    void insert(Scope scope, DkimKey key);

    /** The domain's keys, oldest first. */
    List<DkimKey> byDomain(Scope scope, DomainName domain);

    /** Every key in scope, by domain then age. */
    List<DkimKey> list(Scope scope);

    /** @return false when there is no such key in scope */
    boolean setState(Scope scope, DomainName domain, String selector, DkimKeyState state);

    /** Replaces the sealed private key after a master-key rotation; the key itself is unchanged. */
    boolean reseal(Scope scope, DomainName domain, String selector, byte[] sealedPrivateKey);

    /** @return false when there is no such key in scope */
    boolean delete(Scope scope, DomainName domain, String selector);
}

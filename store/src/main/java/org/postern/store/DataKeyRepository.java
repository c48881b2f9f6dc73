package org.postern.store;

import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.UserId;

/** Users' wrapped data keys: one per user. */
public interface DataKeyRepository {
    /** @throws org.postern.model.ConflictException if the user already has a key */
    void insert(Scope scope, WrappedDataKey key);

    Optional<WrappedDataKey> byOwner(Scope scope, UserId owner);

    List<WrappedDataKey> list(Scope scope);

    /** Replaces the wrapping after a master-key rotation; the data key itself is unchanged. */
    boolean rewrap(Scope scope, UserId owner, String masterKeyId, byte[] wrapped);

    /** Crypto-shredding. @return false when there was no key in scope */
    boolean delete(Scope scope, UserId owner);
}

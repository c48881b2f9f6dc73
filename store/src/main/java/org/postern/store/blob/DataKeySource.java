package org.postern.store.blob;

import org.postern.crypto.DataKey;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** Finds the data key of a blob's owner. */
public interface DataKeySource {
    /**
     * The owner's data key; the caller closes it when done.
     * @throws org.postern.model.IntegrityException if the owner's key was destroyed (crypto-shredded) or cannot be unwrapped
     */
    DataKey keyFor(TenantId tenant, UserId owner);
}

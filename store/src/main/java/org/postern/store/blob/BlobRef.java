package org.postern.store.blob;

import java.util.Objects;
import org.postern.model.BlobId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** A blob and its owner. Encryption binds the ciphertext to all three, so a moved blob will not open. */
public record BlobRef(TenantId tenantId, UserId ownerId, BlobId blobId) {
    public BlobRef {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(blobId, "blobId");
    }
}

package org.postern.store.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.postern.model.BlobId;
import org.postern.model.EmailAddress;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A message waiting in the outbound queue. Its content is a blob encrypted under the sending
 * user's data key ({@code ownerId}); the row holds only what routing and expiry need.
 *
 * @param size bytes of the stored content
 * @param expiresAt after this the recipients still pending fail and the sender gets a DSN
 */
public record QueuedMessage(UUID id, TenantId tenantId, UserId ownerId, EmailAddress envelopeFrom, BlobId blobId,
        long size, Instant createdAt, Instant expiresAt) {
    public QueuedMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(blobId, "blobId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }
}

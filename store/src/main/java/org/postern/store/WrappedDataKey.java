package org.postern.store;

import java.time.Instant;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A user's data key as stored: encrypted ("wrapped") under the master key {@code masterKeyId}.
 * Deleting this row is crypto-shredding: every blob and sealed field of the user becomes unreadable.
 */
public record WrappedDataKey(TenantId tenantId, UserId ownerId, String masterKeyId, byte[] wrapped, Instant createdAt) {}

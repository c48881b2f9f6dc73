package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A single-use, short-lived code (only its hash stored). {@code attempts} counts wrong guesses
 * against it, so a short code cannot be brute-forced: the caller voids it after a few.
 */
public record OneTimeCode(UUID id, TenantId tenantId, UserId userId, CodePurpose purpose, byte[] codeHash,
        Instant createdAt, Instant expiresAt, Optional<Instant> usedAt, int attempts) {

    public boolean usableAt(Instant now) {
        return usedAt.isEmpty() && now.isBefore(expiresAt);
    }
}

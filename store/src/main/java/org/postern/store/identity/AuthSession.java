package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.SessionId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * One sign-in on one device: the family of refresh tokens rotated from one password (+ TOTP)
 * sign-in. Access tokens name it in their {@code sid} claim, so revoking it refuses them too.
 *
 * @param device the client's User-Agent, shortened to {@link #MAX_DEVICE_CHARS}
 * @param ip the source address of the sign-in, updated on each refresh
 */
public record AuthSession(SessionId id, TenantId tenantId, UserId userId, SessionLevel level, String device,
        String ip, Instant createdAt, Instant lastSeenAt, Instant expiresAt, Optional<Instant> revokedAt,
        Optional<String> revokedReason) {
    public static final int MAX_DEVICE_CHARS = 256;

    public boolean activeAt(Instant now) {
        return revokedAt.isEmpty() && now.isBefore(expiresAt);
    }
}

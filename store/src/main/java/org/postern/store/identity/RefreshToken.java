package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.SessionId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A refresh token as stored: only its SHA-256. {@code usedAt} is set when it was exchanged; a
 * second use of the same token means it leaked, and the whole session is revoked.
 */
public record RefreshToken(byte[] tokenHash, SessionId sessionId, TenantId tenantId, UserId userId,
        Instant issuedAt, Instant expiresAt, Optional<Instant> usedAt) {}

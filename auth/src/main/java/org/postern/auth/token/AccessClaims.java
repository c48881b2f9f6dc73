package org.postern.auth.token;

import java.time.Instant;
import java.util.Objects;
import org.postern.model.Role;
import org.postern.model.SessionId;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.SessionLevel;

/**
 * What a verified access token says: who (user, tenant, role), which sign-in session and what
 * that session may do, and when the token was issued and expires (whole seconds, as in the JWT).
 * The role is as it was at issue; the session's liveness is checked by the caller.
 */
public record AccessClaims(UserId userId, TenantId tenantId, Role role, SessionId sessionId, SessionLevel level,
        Instant issuedAt, Instant expiresAt, String tokenId) {
    public AccessClaims {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(tokenId, "tokenId");
    }
}

package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.EmailAddress;
import org.postern.model.InviteId;
import org.postern.model.Role;
import org.postern.model.TenantId;

/**
 * An invitation: whoever holds the token (only its hash is stored) may create the account
 * {@code login} with {@code role} in the tenant, once, before {@code expiresAt}.
 *
 * @param createdBy the inviter as an audit actor ("operator", "user:&lt;id&gt;")
 */
public record Invite(InviteId id, TenantId tenantId, EmailAddress login, Role role, byte[] tokenHash,
        String createdBy, Instant createdAt, Instant expiresAt, Optional<Instant> usedAt) {

    public boolean usableAt(Instant now) {
        return usedAt.isEmpty() && now.isBefore(expiresAt);
    }
}

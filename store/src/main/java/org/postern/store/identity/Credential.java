package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.postern.model.CredentialId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * An app password or API token as stored: its SHA-256, never the secret.
 *
 * @param scopes what it may be used for: for app passwords {@code imap} and/or {@code smtp}; for
 *     API tokens names such as {@code read-mail}, {@code send}, {@code manage-addresses}, {@code admin}
 */
public record Credential(CredentialId id, TenantId tenantId, UserId userId, CredentialKind kind, String name,
        Set<String> scopes, byte[] secretHash, Instant createdAt, Optional<Instant> expiresAt,
        Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {
    public static final int MAX_NAME_CHARS = 100;

    public Credential {
        scopes = Set.copyOf(scopes);
    }

    public boolean usableAt(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }

    @Override
    public String toString() {
        return "Credential[" + id + ", " + kind + ", user " + userId + "]";
    }
}

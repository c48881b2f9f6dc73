package org.postern.store.identity;

import java.time.Instant;
import java.util.UUID;
import org.postern.model.EmailAddress;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A notice Postern itself sends (verification code, recovery code, security notification) while
 * there is no outbound mail path: sealed by the caller under the data key of the user it concerns,
 * read by the operator's CLI. A user scope sees its own.
 *
 * @param kind e.g. "verify-email", "recovery", "security-notice"
 */
public record OutboxMessage(UUID id, TenantId tenantId, UserId userId, EmailAddress recipient, String kind,
        byte[] sealedMessage, Instant createdAt) {}

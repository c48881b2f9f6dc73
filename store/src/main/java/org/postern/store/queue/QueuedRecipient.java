package org.postern.store.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.postern.model.EmailAddress;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * One remote recipient of a queued message, with its own delivery state.
 *
 * @param lastReply the remote server's last answer (or why it could not be reached), bounded and single-line
 * @param delayNotified whether the sender was already told that this recipient is delayed
 */
public record QueuedRecipient(UUID id, UUID messageId, TenantId tenantId, UserId ownerId, EmailAddress recipient,
        RecipientState state, int attempts, Instant nextAttemptAt, Optional<String> lastReply, boolean delayNotified) {
    public QueuedRecipient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(lastReply, "lastReply");
    }

    /** A new recipient, due at once. */
    public static QueuedRecipient fresh(QueuedMessage message, EmailAddress recipient) {
        return new QueuedRecipient(UUID.randomUUID(), message.id(), message.tenantId(), message.ownerId(), recipient,
                RecipientState.QUEUED, 0, message.createdAt(), Optional.empty(), false);
    }

    /** The outcome of an attempt, to be recorded by {@link OutboundQueueRepository#recordAttempt}. */
    public QueuedRecipient after(RecipientState newState, Instant next, String reply, boolean notified) {
        return new QueuedRecipient(id, messageId, tenantId, ownerId, recipient, newState, attempts + 1, next,
                Optional.ofNullable(reply), notified);
    }
}

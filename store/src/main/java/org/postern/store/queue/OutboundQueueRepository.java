package org.postern.store.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.postern.access.Scope;
import org.postern.model.BlobId;

/**
 * The persistent outbound queue: messages for remote recipients and each recipient's delivery
 * state. Rows outside the scope are "not found". Workers claim due recipients with a lease, so
 * two nodes on one database never try the same recipient at once.
 */
public interface OutboundQueueRepository {

    /** Adds a message and its recipients (at least one); the message's blob must already be durable. */
    void enqueue(Scope scope, QueuedMessage message, List<QueuedRecipient> recipients);

    /**
     * Leases up to {@code limit} pending recipients due at {@code now} (no lease, or an expired
     * one) to {@code leaseOwner} until {@code leaseUntil}, oldest due first. Rows another
     * transaction holds are skipped, never waited for.
     */
    List<QueuedRecipient> claimDue(Scope scope, Instant now, String leaseOwner, Instant leaseUntil, int limit);

    /**
     * Records an attempt's outcome (state, attempts, next attempt, last reply, delay notice) and
     * releases the lease.
     * @return false when {@code leaseOwner} no longer holds the lease (the row was retried or deleted meanwhile)
     */
    boolean recordAttempt(Scope scope, QueuedRecipient updated, String leaseOwner);

    /**
     * Drops every lease in scope, so the recipients can be claimed at once. Only for a process
     * that knows no other holds leases (the single server of an embedded database, at start).
     * @return how many leases were dropped
     */
    int releaseLeases(Scope scope);

    Optional<QueuedMessage> message(Scope scope, UUID messageId);

    List<QueuedRecipient> recipients(Scope scope, UUID messageId);

    /** Newest first, at most {@code limit} (1 to 500). */
    default List<QueuedMessage> list(Scope scope, int limit) {
        return list(scope, limit, 0);
    }

    /** Newest first, at most {@code limit} (1 to 500), after skipping {@code offset} (0 to 1,000,000). */
    List<QueuedMessage> list(Scope scope, int limit, int offset);

    /** Makes every pending recipient of the message due at {@code now} and drops their leases. @return false if not found */
    boolean retryNow(Scope scope, UUID messageId, Instant now);

    /** The blobs of every queued message in scope, for the store verifier (which counts unreferenced blobs). */
    List<BlobId> blobIds(Scope scope);

    /** Removes the message and its recipients. @return the removed message (its blob is the caller's to delete) */
    Optional<QueuedMessage> delete(Scope scope, UUID messageId);
}

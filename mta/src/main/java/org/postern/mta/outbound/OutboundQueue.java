package org.postern.mta.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.mail.directory.Recipient;
import org.postern.model.BlobId;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.store.MetadataStore;
import org.postern.store.blob.BlobRef;
import org.postern.store.blob.BlobStore;
import org.postern.store.queue.QueuedMessage;
import org.postern.store.queue.QueuedRecipient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound queue as services see it. {@link #enqueue} writes the message as a blob encrypted
 * under the sender's data key (fsynced), then commits the message and recipient rows; when it
 * returns the message is durable and a protocol may say 250. The admin operations take the
 * caller and go through the access policy: a server admin sees the whole queue, a tenant admin
 * their tenant's, a user their own.
 */
public final class OutboundQueue {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundQueue.class);
    private static final Caller QUEUE = new Caller.System("outbound-queue");

    private final MetadataStore store;
    private final BlobStore blobs;
    private final AccessPolicy policy;
    private final Clock clock;
    private final Duration maxQueueTime;
    private volatile Runnable onEnqueue = () -> {};

    /** @param encryptedBlobs the encrypting blob store: queued content is never plaintext on disk */
    public OutboundQueue(MetadataStore store, BlobStore encryptedBlobs, AccessPolicy policy, Clock clock,
            Duration maxQueueTime) {
        this.store = store;
        this.blobs = encryptedBlobs;
        this.policy = policy;
        this.clock = clock;
        this.maxQueueTime = maxQueueTime;
    }

    /** Called after each enqueue (the delivery workers wake up instead of waiting for their next poll). */
    void onEnqueue(Runnable r) {
        this.onEnqueue = Objects.requireNonNull(r);
    }

    /** A queued message and its recipients, for inspection. */
    public record Entry(QueuedMessage message, List<QueuedRecipient> recipients) {}

    /**
     * Queues {@code content} (the final message, as it is to be sent) for the remote recipients.
     * Durable when it returns.
     * @return the queue id
     */
    public UUID enqueue(Recipient sender, EmailAddress envelopeFrom, List<EmailAddress> recipients, InputStream content,
            long maxBytes) throws IOException {
        if (recipients.isEmpty()) {
            throw new InvalidInputException("no remote recipients");
        }
        Scope scope = policy.userScope(QUEUE, sender.tenantId(), sender.ownerId());
        BlobRef ref = new BlobRef(sender.tenantId(), sender.ownerId(), BlobId.random());
        long size;
        try {
            size = blobs.put(ref, new BoundedInput(content, maxBytes));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(ref);
            throw e;
        }
        Instant now = clock.instant();
        QueuedMessage m = new QueuedMessage(UUID.randomUUID(), sender.tenantId(), sender.ownerId(), envelopeFrom,
                ref.blobId(), size, now, now.plus(maxQueueTime));
        List<QueuedRecipient> rows = new ArrayList<>();
        for (EmailAddress r : new LinkedHashSet<>(recipients)) {
            rows.add(QueuedRecipient.fresh(m, r));
        }
        try {
            store.inTransaction(tx -> {
                tx.outboundQueue().enqueue(scope, m, rows);
                return null;
            });
        } catch (RuntimeException e) {
            deleteQuietly(ref);
            throw e;
        }
        LOG.info("event=queue.enqueued queue_id={} user={} recipients={} bytes={}", m.id(), m.ownerId(), rows.size(), size);
        onEnqueue.run();
        return m.id();
    }

    public List<Entry> list(Caller caller, int limit) {
        return list(caller, limit, 0);
    }

    /** Newest first: at most {@code limit} messages after the first {@code offset}. */
    public List<Entry> list(Caller caller, int limit, int offset) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.outboundQueue().list(scope, limit, offset).stream()
                .map(m -> new Entry(m, tx.outboundQueue().recipients(scope, m.id()))).toList());
    }

    public Optional<Entry> show(Caller caller, UUID id) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.outboundQueue().message(scope, id)
                .map(m -> new Entry(m, tx.outboundQueue().recipients(scope, id))));
    }

    /** Makes the message's pending recipients due now. @return false when not found (or not the caller's) */
    public boolean retry(Caller caller, UUID id) {
        Scope scope = policy.scopeFor(caller);
        boolean found = store.inTransaction(tx -> tx.outboundQueue().retryNow(scope, id, clock.instant()));
        if (found) {
            LOG.info("event=queue.retry queue_id={}", id);
            onEnqueue.run();
        }
        return found;
    }

    /** Removes the message without delivering it further (no DSN). @return false when not found */
    public boolean delete(Caller caller, UUID id) {
        Scope scope = policy.scopeFor(caller);
        Optional<QueuedMessage> removed = store.inTransaction(tx -> tx.outboundQueue().delete(scope, id));
        removed.ifPresent(m -> {
            deleteQuietly(new BlobRef(m.tenantId(), m.ownerId(), m.blobId()));
            LOG.info("event=queue.deleted queue_id={}", id);
        });
        return removed.isPresent();
    }

    /** The queued content, decrypted on the fly. */
    InputStream open(QueuedMessage m) throws IOException {
        return blobs.open(new BlobRef(m.tenantId(), m.ownerId(), m.blobId()));
    }

    /** Removes a message whose recipients are all finished. */
    void finish(QueuedMessage m) {
        Scope scope = policy.userScope(QUEUE, m.tenantId(), m.ownerId());
        store.inTransaction(tx -> tx.outboundQueue().delete(scope, m.id()));
        deleteQuietly(new BlobRef(m.tenantId(), m.ownerId(), m.blobId()));
    }

    private void deleteQuietly(BlobRef ref) {
        try {
            blobs.delete(ref);
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=blob.orphaned blob={} reason={}", ref.blobId(), e.getClass().getSimpleName());
        }
    }

    /** Fails as soon as more than the limit is read, so an oversized message is never kept. */
    private static final class BoundedInput extends java.io.FilterInputStream {
        private final long max;
        private long count;

        BoundedInput(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > max) {
                throw new InvalidInputException("message exceeds the size limit");
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (count += n) > max) {
                throw new InvalidInputException("message exceeds the size limit");
            }
            return n;
        }
    }
}

package org.postern.mail.message;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.postern.model.AddressId;
import org.postern.access.Scope;
import org.postern.model.BlobId;
import org.postern.model.InvalidInputException;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.model.UnavailableException;
import org.postern.store.Mailbox;
import org.postern.store.MetadataStore;
import org.postern.store.NewMessage;
import org.postern.store.StoredMessage;
import org.postern.store.blob.BlobRef;
import org.postern.store.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a message into a mailbox, durably: the encrypted blob is written and fsynced first, then
 * the index row is committed; only when this returns may a protocol say OK/250. If the commit
 * fails the blob is removed again, so a failure leaves nothing half-stored behind (a crash
 * between the two steps leaves an orphan blob, which {@code store verify} reports and purge removes).
 */
public final class MessageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(MessageWriter.class);

    private final MetadataStore store;
    private final BlobStore blobs;
    private final SummaryParser parser;
    private final SummaryCodec summaries;
    private final Clock clock;

    public MessageWriter(MetadataStore store, BlobStore encryptedBlobs, SummaryParser parser, SummaryCodec summaries,
            Clock clock) {
        this.store = store;
        this.blobs = encryptedBlobs;
        this.parser = parser;
        this.summaries = summaries;
        this.clock = clock;
    }

    /**
     * Appends a raw RFC 5322 message of at most {@code maxBytes} to {@code mailbox}.
     * @throws InvalidInputException when the message is larger than {@code maxBytes} (nothing is kept)
     * @throws NotFoundException when the mailbox is not in {@code scope}
     */
    public StoredMessage append(Scope scope, MailboxId mailboxId, InputStream raw, Set<String> flags,
            Instant internalDate, long maxBytes) {
        Mailbox mailbox = store.inReadTransaction(tx -> tx.mailboxes().byId(scope, mailboxId))
                .orElseThrow(() -> new NotFoundException("no such mailbox"));
        return append(scope, mailbox, raw, flags, internalDate, maxBytes);
    }

    /** As above, for a caller that has just loaded the mailbox through {@code scope}. */
    public StoredMessage append(Scope scope, Mailbox mailbox, InputStream raw, Set<String> flags, Instant internalDate,
            long maxBytes) {
        return append(scope, mailbox, raw, flags, internalDate, maxBytes, Optional.empty());
    }

    /**
     * As above, recording which of the owner's addresses the message was delivered to (delivery,
     * and a copy or move keeping the original's).
     */
    public StoredMessage append(Scope scope, Mailbox mailbox, InputStream raw, Set<String> flags, Instant internalDate,
            long maxBytes, Optional<AddressId> deliveredTo) {
        MailboxId mailboxId = mailbox.id();
        MessageId id = MessageId.random();
        BlobRef ref = new BlobRef(mailbox.tenantId(), mailbox.ownerId(), BlobId.random());
        long size;
        MessageSummary[] parsed = new MessageSummary[1];
        BoundedInputStream bounded = new BoundedInputStream(raw, maxBytes);
        try {
            // One pass: the parser pulls the plaintext, and every byte it pulls (the rest drained at
            // its end) goes on into the encrypting blob writer; what is indexed is exactly what was
            // kept, no plaintext reaches the disk, and the blob is not read back.
            size = blobs.write(ref, out -> {
                TeeInputStream tee = new TeeInputStream(bounded, out);
                parsed[0] = parser.parse(tee);
                if (bounded.exceeded()) {
                    throw new TooLargeException(); // even if the parser swallowed the first one: keep nothing
                }
                return tee.count();
            });
        } catch (IOException | RuntimeException e) {
            deleteQuietly(ref);
            if (bounded.exceeded()) {
                // The parser may have wrapped the size error in its own; the limit is what happened.
                throw new InvalidInputException("message exceeds the size limit of " + maxBytes + " bytes");
            }
            if (e instanceof IOException) {
                throw new UnavailableException("could not store the message", e);
            }
            throw (RuntimeException) e;
        }
        MessageSummary summary = parsed[0];
        byte[] sealed = summaries.seal(mailbox.tenantId(), mailbox.ownerId(), id, summary);
        try {
            // Group commit: concurrent deliveries share one transaction and one fsync; this still
            // returns only after the commit that holds this message.
            return store.inGroupedTransaction(tx -> tx.messages().append(scope, mailboxId,
                    new NewMessage(id, flags, internalDate == null ? clock.instant() : internalDate, size, sealed,
                            ref.blobId(), deliveredTo)));
        } catch (RuntimeException e) {
            deleteQuietly(ref);
            throw e;
        }
    }

    private void deleteQuietly(BlobRef ref) {
        try {
            blobs.delete(ref);
        } catch (IOException | RuntimeException e) {
            // The blob is an orphan now; store verify reports it and purge removes it.
            LOG.warn("event=blob.orphaned blob={} reason={}", ref.blobId(), e.getClass().getSimpleName());
        }
    }

    /** Thrown inside the blob write when the client sends more than allowed. */
    static final class TooLargeException extends IOException {
        TooLargeException() {
            super("message too large");
        }
    }

    /** Counts bytes and fails as soon as the limit is passed, so an oversized message is never held. */
    static final class BoundedInputStream extends FilterInputStream {
        private final long max;
        private long count;

        BoundedInputStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) throws TooLargeException {
            count += n;
            if (count > max) {
                throw new TooLargeException();
            }
        }

        boolean exceeded() {
            return count > max;
        }
    }

    /**
     * Passes on everything read from {@code in} to {@code out} as it is read, and counts it. Skips
     * are reads too, so nothing the reader passes over is left out of the copy.
     */
    static final class TeeInputStream extends InputStream {
        private final InputStream in;
        private final OutputStream out;
        private long count;

        TeeInputStream(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                out.write(b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                out.write(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(8192, Math.max(0, n))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() {
            // The caller owns both streams.
        }
    }
}

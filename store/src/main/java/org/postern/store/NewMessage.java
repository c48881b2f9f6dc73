package org.postern.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.postern.model.AddressId;
import org.postern.model.BlobId;
import org.postern.model.MessageId;

/**
 * What the writer of a message supplies; the repository assigns UID and MODSEQ.
 *
 * @param deliveredTo the owner's address the message was delivered to; empty for Sent copies,
 *     IMAP APPEND and mail routed to an administrator
 */
public record NewMessage(MessageId id, Set<String> flags, Instant internalDate, long size, byte[] sealedSummary,
        BlobId blobId, Optional<AddressId> deliveredTo) {

    public NewMessage {
        flags = Set.copyOf(flags);
        Objects.requireNonNull(deliveredTo, "deliveredTo");
        if (size < 0) {
            throw new IllegalArgumentException("size < 0");
        }
    }

    /** A message that arrived on none of the owner's addresses. */
    public NewMessage(MessageId id, Set<String> flags, Instant internalDate, long size, byte[] sealedSummary,
            BlobId blobId) {
        this(id, flags, internalDate, size, sealedSummary, blobId, Optional.empty());
    }
}

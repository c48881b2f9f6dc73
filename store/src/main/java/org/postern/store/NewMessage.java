package org.postern.store;

import java.time.Instant;
import java.util.Set;
import org.postern.model.BlobId;
import org.postern.model.MessageId;

/** What the writer of a message supplies; the repository assigns UID and MODSEQ. */
public record NewMessage(MessageId id, Set<String> flags, Instant internalDate, long size, byte[] sealedSummary,
        BlobId blobId) {

    public NewMessage {
        flags = Set.copyOf(flags);
        if (size < 0) {
            throw new IllegalArgumentException("size < 0");
        }
    }
}

package org.postern.store;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.postern.model.BlobId;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A message's index row. Only what ordering and sync need is in the clear (ids, UID, MODSEQ,
 * flags, dates, size); everything taken from the content (subject, addresses, structure,
 * attachment names) is in {@code sealedSummary}, encrypted under the owner's data key. The raw
 * message is the blob {@code blobId}.
 */
public record StoredMessage(MessageId id, TenantId tenantId, UserId ownerId, MailboxId mailboxId, long uid, long modSeq,
        Set<String> flags, Instant internalDate, long size, byte[] sealedSummary, BlobId blobId,
        Optional<Instant> deletedAt) {

    public StoredMessage {
        flags = Set.copyOf(flags);
    }
}

package org.postern.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.postern.model.AddressId;
import org.postern.model.BlobId;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A message's index row. Only what ordering and sync need is in the clear (ids, UID, MODSEQ,
 * flags, dates, size, the address it was delivered to); everything taken from the content
 * (subject, addresses, structure, attachment names) is in {@code sealedSummary}, encrypted under
 * the owner's data key. The raw message is the blob {@code blobId}.
 */
public record StoredMessage(MessageId id, TenantId tenantId, UserId ownerId, MailboxId mailboxId, long uid, long modSeq,
        Set<String> flags, Instant internalDate, long size, byte[] sealedSummary, BlobId blobId,
        Optional<Instant> deletedAt, Optional<AddressId> deliveredTo) {

    public StoredMessage {
        flags = Set.copyOf(flags);
        Objects.requireNonNull(deliveredTo, "deliveredTo");
    }

    public StoredMessage(MessageId id, TenantId tenantId, UserId ownerId, MailboxId mailboxId, long uid, long modSeq,
            Set<String> flags, Instant internalDate, long size, byte[] sealedSummary, BlobId blobId,
            Optional<Instant> deletedAt) {
        this(id, tenantId, ownerId, mailboxId, uid, modSeq, flags, internalDate, size, sealedSummary, blobId, deletedAt,
                Optional.empty());
    }
}

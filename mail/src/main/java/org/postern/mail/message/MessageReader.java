package org.postern.mail.message;

import java.io.IOException;
import java.io.InputStream;
import org.postern.access.Scope;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.store.MetadataStore;
import org.postern.store.StoredMessage;
import org.postern.store.blob.BlobRef;
import org.postern.store.blob.BlobStore;

/** Reads messages back, decrypted, for callers whose scope includes them. */
public final class MessageReader {
    private final MetadataStore store;
    private final BlobStore blobs;
    private final SummaryCodec summaries;

    public MessageReader(MetadataStore store, BlobStore encryptedBlobs, SummaryCodec summaries) {
        this.store = store;
        this.blobs = encryptedBlobs;
        this.summaries = summaries;
    }

    public StoredMessage message(Scope scope, MessageId id) {
        return store.inTransaction(tx -> tx.messages().byId(scope, id))
                .orElseThrow(() -> new NotFoundException("no such message"));
    }

    /** The raw message; reading throws {@link org.postern.model.IntegrityException} if it was tampered with. */
    public InputStream openRaw(Scope scope, MessageId id) throws IOException {
        return openRaw(message(scope, id));
    }

    /** For a row the caller has already loaded through its scope. */
    public InputStream openRaw(StoredMessage m) throws IOException {
        return blobs.open(new BlobRef(m.tenantId(), m.ownerId(), m.blobId()));
    }

    public MessageSummary summary(StoredMessage m) {
        return summaries.open(m.tenantId(), m.ownerId(), m.id(), m.sealedSummary());
    }
}

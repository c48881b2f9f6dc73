package org.postern.mail.maintenance;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.postern.access.Scope;
import org.postern.store.MetadataStore;
import org.postern.store.StoredMessage;
import org.postern.store.blob.BlobRef;
import org.postern.store.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of deletion: messages soft-deleted longer ago than the grace period lose their
 * row, then their blob. The row goes first, so a crash in between leaves an orphan blob (reported by
 * {@link StoreVerifier}), never a row pointing at nothing.
 */
public final class Purger {
    private static final Logger LOG = LoggerFactory.getLogger(Purger.class);

    private final MetadataStore store;
    private final BlobStore blobs;
    private final Scope serverScope;
    private final Clock clock;

    public Purger(MetadataStore store, BlobStore blobs, Scope serverScope, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.serverScope = serverScope;
        this.clock = clock;
    }

    /** @return how many messages were purged */
    public int purgeDeletedOlderThan(Duration grace) throws IOException {
        Instant before = clock.instant().minus(grace);
        List<StoredMessage> due = store.inTransaction(tx -> tx.messages().deletedBefore(serverScope, before));
        int purged = 0;
        for (StoredMessage m : due) {
            if (store.inTransaction(tx -> tx.messages().purge(serverScope, m.id()))) {
                blobs.delete(new BlobRef(m.tenantId(), m.ownerId(), m.blobId()));
                purged++;
            }
        }
        LOG.info("event=store.purged messages={}", purged);
        return purged;
    }
}

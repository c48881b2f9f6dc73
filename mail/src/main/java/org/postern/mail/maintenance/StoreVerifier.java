package org.postern.mail.maintenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postern.access.Scope;
import org.postern.mail.message.MessageReader;
import org.postern.model.BlobId;
import org.postern.model.PosternException;
import org.postern.store.MetadataStore;
import org.postern.store.StoredMessage;
import org.postern.store.User;
import org.postern.store.blob.BlobRef;
import org.postern.store.blob.BlobStore;

/**
 * Reads every stored message back and checks that its blob and its sealed summary authenticate
 * and decrypt: the operator's proof, after a key rotation or a restore, that all mail is readable.
 * Also counts blobs no index row (message or outbound queue entry) points to (left by a crash
 * between blob write and commit).
 */
public final class StoreVerifier {
    private final MetadataStore store;
    private final BlobStore rawBlobs;
    private final MessageReader reader;
    private final Scope serverScope;

    /** @param rawBlobs the undecorated blob store, to list what is on disk */
    public StoreVerifier(MetadataStore store, BlobStore rawBlobs, MessageReader reader, Scope serverScope) {
        this.store = store;
        this.rawBlobs = rawBlobs;
        this.reader = reader;
        this.serverScope = serverScope;
    }

    public VerifyReport verify() throws IOException {
        List<User> users = store.inTransaction(tx -> tx.users().list(serverScope));
        List<String> failures = new ArrayList<>();
        Set<BlobId> referenced = new HashSet<>();
        int ok = 0;
        for (User u : users) {
            List<StoredMessage> messages = store.inTransaction(tx -> tx.messages().listByOwner(serverScope, u.id()));
            for (StoredMessage m : messages) {
                referenced.add(m.blobId());
                try {
                    reader.summary(m);
                    long n;
                    try (InputStream in = reader.openRaw(m)) {
                        n = in.transferTo(OutputStream.nullOutputStream());
                    }
                    if (n != m.size()) {
                        failures.add("message " + m.id() + ": size " + n + " differs from the recorded " + m.size());
                    } else {
                        ok++;
                    }
                } catch (PosternException | IOException e) {
                    failures.add("message " + m.id() + ": " + e.getMessage());
                }
            }
        }
        // Mail waiting in the outbound queue is referenced too (its blob is checked when it is sent).
        referenced.addAll(store.inTransaction(tx -> tx.outboundQueue().blobIds(serverScope)));
        int orphans = 0;
        for (BlobRef ref : rawBlobs.list()) {
            if (!referenced.contains(ref.blobId())) {
                orphans++;
            }
        }
        return new VerifyReport(users.size(), ok, failures, orphans);
    }
}

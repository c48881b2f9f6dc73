package org.postern.store.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.postern.crypto.DataKey;
import org.postern.crypto.StreamingAead;

/**
 * Encryption at rest as a decorator around any {@link BlobStore}: what reaches the inner store is
 * segmented AES-256-GCM under the owner's data key, bound to tenant, owner and blob id, so a blob
 * copied, moved or swapped on disk fails to open with an {@link org.postern.model.IntegrityException}.
 */
public final class EncryptingBlobStore implements BlobStore {
    private final BlobStore inner;
    private final DataKeySource keys;

    public EncryptingBlobStore(BlobStore inner, DataKeySource keys) {
        this.inner = inner;
        this.keys = keys;
    }

    /** The associated data every blob is bound to. */
    static byte[] associatedData(BlobRef ref) {
        return ("postern-blob|" + ref.tenantId() + "|" + ref.ownerId() + "|" + ref.blobId())
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Encrypts what {@code writer} writes straight into the inner store's file, on this thread.
     * If the writer fails part-way the inner store publishes nothing (a cipher stream closed early
     * would be a valid, shorter blob, so it must not be kept).
     */
    @Override
    public long write(BlobRef ref, Writer writer) throws IOException {
        try (DataKey key = keys.keyFor(ref.tenantId(), ref.ownerId())) {
            return inner.write(ref, sink -> {
                long n;
                try (OutputStream out = StreamingAead.encrypt(key, associatedData(ref), sink)) {
                    n = writer.writeTo(out);
                }
                return n;
            });
        }
    }

    @Override
    public InputStream open(BlobRef ref) throws IOException {
        InputStream raw = inner.open(ref);
        try {
            DataKey key = keys.keyFor(ref.tenantId(), ref.ownerId());
            InputStream plain = StreamingAead.decrypt(key, associatedData(ref), raw);
            return new FilterInputStream(plain) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        key.close();
                    }
                }
            };
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public boolean exists(BlobRef ref) throws IOException {
        return inner.exists(ref);
    }

    @Override
    public boolean delete(BlobRef ref) throws IOException {
        return inner.delete(ref);
    }

    @Override
    public List<BlobRef> list() throws IOException {
        return inner.list();
    }
}

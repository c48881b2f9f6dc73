package org.postern.store.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postern.crypto.DataKey;
import org.postern.crypto.StreamingAead;

/**
 * Encryption at rest as a decorator around any {@link BlobStore}: what reaches the inner store is
 * segmented AES-256-GCM under the owner's data key, bound to tenant, owner and blob id, so a blob
 * copied, moved or swapped on disk fails to open with an {@link org.postern.model.IntegrityException}.
 */
public final class EncryptingBlobStore implements BlobStore {
    private static final int PIPE_BYTES = 256 * 1024;

    private final BlobStore inner;
    private final DataKeySource keys;
    // The inner store reads an InputStream while the cipher writes an OutputStream: a pipe joins them,
    // with one virtual thread per put feeding it.
    private final ExecutorService pumps = Executors.newVirtualThreadPerTaskExecutor();

    public EncryptingBlobStore(BlobStore inner, DataKeySource keys) {
        this.inner = inner;
        this.keys = keys;
    }

    /** The associated data every blob is bound to. */
    static byte[] associatedData(BlobRef ref) {
        return ("postern-blob|" + ref.tenantId() + "|" + ref.ownerId() + "|" + ref.blobId())
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public long put(BlobRef ref, InputStream content) throws IOException {
        PipedInputStream cipherText = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream pipe = new PipedOutputStream(cipherText);
        Future<Long> encrypted;
        try (DataKey key = keys.keyFor(ref.tenantId(), ref.ownerId())) {
            DataKey keyForPump = key;
            encrypted = pumps.submit(() -> {
                try (OutputStream out = StreamingAead.encrypt(keyForPump, associatedData(ref), pipe)) {
                    return content.transferTo(out);
                }
            });
            try {
                inner.put(ref, cipherText);
            } finally {
                cipherText.close();
            }
            return encrypted.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing a blob", e);
        } catch (ExecutionException e) {
            // The plaintext side failed (source stream error): the inner store got a truncated
            // stream, so remove whatever it stored.
            inner.delete(ref);
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("blob encryption failed", e.getCause());
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

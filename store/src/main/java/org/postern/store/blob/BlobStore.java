package org.postern.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Message content, one immutable blob per message. {@link #put} returns only once the bytes are
 * durable (fsynced with their directory entry), so metadata may then be committed.
 */
public interface BlobStore {

    /**
     * Stores the whole stream under {@code ref}.
     * @return the number of bytes read from {@code content}
     * @throws org.postern.model.ConflictException if the blob already exists (blobs are write-once)
     */
    long put(BlobRef ref, InputStream content) throws IOException;

    /** @throws org.postern.model.NotFoundException if there is no such blob */
    InputStream open(BlobRef ref) throws IOException;

    boolean exists(BlobRef ref) throws IOException;

    /** @return false when there was nothing to delete */
    boolean delete(BlobRef ref) throws IOException;

    /** Every blob stored, for the verifier and for finding orphans left by a crash. */
    List<BlobRef> list() throws IOException;
}

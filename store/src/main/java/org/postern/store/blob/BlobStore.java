package org.postern.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    default long put(BlobRef ref, InputStream content) throws IOException {
        return write(ref, content::transferTo);
    }

    /**
     * Stores what {@code writer} writes under {@code ref}, on the caller's thread; durable when this
     * returns, like {@link #put}. If the writer throws, nothing is stored and the exception passes
     * through. Closing the stream it is given does not end the write (the store flushes and fsyncs
     * after the writer returns).
     *
     * @return what the writer returned (the number of bytes it consumed, by convention)
     * @throws org.postern.model.ConflictException if the blob already exists (blobs are write-once)
     */
    long write(BlobRef ref, Writer writer) throws IOException;

    /** Writes a blob's content (see {@link #write}). */
    @FunctionalInterface
    interface Writer {
        long writeTo(OutputStream out) throws IOException;
    }

    /** @throws org.postern.model.NotFoundException if there is no such blob */
    InputStream open(BlobRef ref) throws IOException;

    boolean exists(BlobRef ref) throws IOException;

    /** @return false when there was nothing to delete */
    boolean delete(BlobRef ref) throws IOException;

    /** Every blob stored, for the verifier and for finding orphans left by a crash. */
    List<BlobRef> list() throws IOException;
}

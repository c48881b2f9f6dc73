package org.postern.crypto;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Segmented AES-256-GCM for message blobs of any size, in constant memory. A per-blob key is
 * derived with HKDF-SHA256 from the data key, a random salt and the associated data; each 64 KiB
 * segment has its own nonce (prefix, index, last-segment flag), so truncation, reordering,
 * appended data, a swapped blob or a wrong key all fail to decrypt.
 */
public final class StreamingAead {
    private StreamingAead() {}

    /** Encrypts everything written to the returned stream into {@code sink}; close() finishes and closes sink. */
    public static OutputStream encrypt(DataKey key, byte[] associatedData, OutputStream sink) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /**
     * Decrypts {@code source}; reading throws {@link org.postern.model.IntegrityException} as soon
     * as a segment fails to authenticate, and at the end if the stream was truncated.
     */
    public static InputStream decrypt(DataKey key, byte[] associatedData, InputStream source) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }
}

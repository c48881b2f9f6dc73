package org.postern.crypto;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES key that encrypts one user's content. Never printed, never logged; {@link #close}
 * wipes the bytes held here.
 */
public final class DataKey implements AutoCloseable {
    public static final int BYTES = 32;

    private final byte[] bytes;
    private volatile boolean closed;

    /** Takes ownership of {@code bytes}, which must be exactly {@link #BYTES} long. */
    private DataKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A fresh random key from the platform's CSPRNG. */
    public static DataKey generate() {
        return new DataKey(Secrets.randomBytes(BYTES));
    }

    /** Copies {@code key} (32 bytes); the caller should wipe its array. */
    public static DataKey fromBytes(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != BYTES) {
            throw new IllegalArgumentException("a data key is " + BYTES + " bytes, got " + key.length);
        }
        return new DataKey(key.clone());
    }

    /** An independent copy, which the receiver may close without affecting this one (for key caches). */
    public DataKey copy() {
        requireOpen();
        return new DataKey(bytes.clone());
    }

    /** A copy of the key bytes, for wrapping; the caller wipes it. */
    byte[] copyBytes() {
        requireOpen();
        return bytes.clone();
    }

    /** The key as a JCA key for AES. The JCA copies the bytes; that copy lives until garbage-collected. */
    SecretKeySpec secretKey() {
        requireOpen();
        return new SecretKeySpec(bytes, "AES");
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("data key was closed and wiped");
        }
    }

    @Override
    public void close() {
        closed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "DataKey[redacted]";
    }
}

package org.postern.crypto;

/**
 * A 256-bit AES key that encrypts one user's content. Never printed, never logged; {@link #close}
 * wipes the bytes held here.
 */
public final class DataKey implements AutoCloseable {
    public static final int BYTES = 32;

    /** A fresh random key from the platform's CSPRNG. */
    public static DataKey generate() {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Copies {@code key} (32 bytes); the caller should wipe its array. */
    public static DataKey fromBytes(byte[] key) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** A copy of the key bytes, for wrapping; the caller wipes it. */
    byte[] copyBytes() {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    @Override
    public String toString() {
        return "DataKey[redacted]";
    }
}

package org.postern.crypto;

/**
 * AES-256-GCM for small values (sealed database fields, wrapped keys). Output format:
 * version byte 0x01, 12-byte random nonce, ciphertext with its 16-byte tag.
 */
public final class AesGcm {
    private AesGcm() {}

    public static byte[] seal(DataKey key, byte[] plaintext, byte[] associatedData) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** @throws org.postern.model.IntegrityException when the value does not authenticate under key and AD */
    public static byte[] open(DataKey key, byte[] sealed, byte[] associatedData) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }
}

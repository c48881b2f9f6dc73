package org.postern.crypto;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.postern.model.IntegrityException;

/**
 * AES-256-GCM for small values (sealed database fields, wrapped keys). Output format:
 * version byte 0x01, 12-byte random nonce, ciphertext with its 16-byte tag.
 */
public final class AesGcm {
    static final byte VERSION = 0x01;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    static final int TAG_BITS = TAG_BYTES * 8;
    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

    private AesGcm() {}

    public static byte[] seal(DataKey key, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        if (plaintext.length > Integer.MAX_VALUE - OVERHEAD) {
            throw new IllegalArgumentException("plaintext too large for AesGcm; use StreamingAead");
        }
        byte[] out = new byte[plaintext.length + OVERHEAD];
        out[0] = VERSION;
        byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
        System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
            if (written != plaintext.length + TAG_BYTES) {
                throw new IllegalStateException("AES-GCM wrote " + written + " bytes, expected " + (plaintext.length + TAG_BYTES));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available on this JVM", e);
        }
    }

    /** @throws org.postern.model.IntegrityException when the value does not authenticate under key and AD */
    public static byte[] open(DataKey key, byte[] sealed, byte[] associatedData) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(associatedData, "associatedData");
        if (sealed.length < OVERHEAD) {
            throw new IntegrityException("sealed value is " + sealed.length + " bytes, shorter than the minimum " + OVERHEAD + ": truncated");
        }
        if (sealed[0] != VERSION) {
            throw new IntegrityException("sealed value has unknown format version " + (sealed[0] & 0xff));
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new IntegrityException("sealed value failed to authenticate: tampered, truncated, wrong key or wrong associated data");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available on this JVM", e);
        }
    }
}

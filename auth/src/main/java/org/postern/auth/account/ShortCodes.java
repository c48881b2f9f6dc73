package org.postern.auth.account;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hashes the short codes sent by mail (8 digits). A plain SHA-256 of 10^8 possible codes is
 * reversed in seconds by anyone who can read the database, who could then use a live recovery
 * code; keyed with a secret kept outside the database (derived from the sealed audit chain key),
 * the stored hash says nothing without that key.
 */
public final class ShortCodes {
    private final SecretKeySpec key;

    /** @param secret key material from outside the database; only a derived key is kept */
    public ShortCodes(byte[] secret) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] derived = derive.doFinal("postern one-time code hashing".getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(derived, "HmacSHA256");
            java.util.Arrays.fill(derived, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 missing from the JDK", e);
        }
    }

    /** The 32-byte keyed hash of what the user typed (surrounding spaces ignored). */
    public byte[] hash(String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(code.strip().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 missing from the JDK", e);
        }
    }
}

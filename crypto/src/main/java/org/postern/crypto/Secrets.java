package org.postern.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/** Random secrets from the platform CSPRNG (non-blocking). */
public final class Secrets {
    /** {@code new SecureRandom()} is the non-blocking platform default (NativePRNG / DRBG); it is thread-safe. */
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** {@code count} random bytes; the caller wipes the array when it holds a secret. */
    public static byte[] randomBytes(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("byte count must not be negative: " + count);
        }
        byte[] out = new byte[count];
        RANDOM.nextBytes(out);
        return out;
    }

    /** {@code bytes} random bytes as unpadded base64url text. */
    public static String randomToken(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("a token needs at least one random byte, got " + bytes);
        }
        byte[] raw = randomBytes(bytes);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Fills {@code out} with random bytes. */
    static void fill(byte[] out) {
        RANDOM.nextBytes(out);
    }
}

package org.postern.crypto;

/** Random secrets from the platform CSPRNG (non-blocking). */
public final class Secrets {
    private Secrets() {}

    public static byte[] randomBytes(int count) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** {@code bytes} random bytes as unpadded base64url text. */
    public static String randomToken(int bytes) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }
}

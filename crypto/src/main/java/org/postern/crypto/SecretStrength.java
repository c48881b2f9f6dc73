package org.postern.crypto;

import java.util.Optional;

/** Decides whether a configured secret or a key is too weak to start with. */
public final class SecretStrength {
    private SecretStrength() {}

    /** Empty when acceptable; else a short reason ("is a well-known default", "is shorter than 16 characters"). */
    public static Optional<String> problemWithPassphrase(String secret) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Empty when acceptable; else why the key bytes are unusable (wrong length, constant, low variety). */
    public static Optional<String> problemWithKey(byte[] key, int requiredBytes) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }
}

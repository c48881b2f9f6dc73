package org.postern.crypto;

/**
 * Argon2id password hashing (RFC 9106) with PHC-format output
 * ({@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}) and constant-time verification.
 */
public final class PasswordHasher {

    /** Memory in KiB, iterations and lanes. */
    public record Params(int memoryKiB, int iterations, int parallelism) {
        /** OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane. */
        public static final Params DEFAULT = new Params(19_456, 2, 1);
    }

    public PasswordHasher(Params params) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    public String hash(char[] password) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Constant-time comparison; false (never an exception) for a malformed stored hash. */
    public boolean verify(char[] password, String phc) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** True when the stored hash used weaker parameters than this hasher's. */
    public boolean needsRehash(String phc) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }
}

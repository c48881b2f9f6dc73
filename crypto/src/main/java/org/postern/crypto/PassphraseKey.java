package org.postern.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * A 256-bit key derived from an operator's passphrase with Argon2id (RFC 9106, version 0x13), for
 * files that must be readable without the master key (key backups). The passphrase is encoded as
 * UTF-8; that copy is wiped after use, the caller wipes its own array.
 */
public final class PassphraseKey {
    /** Random salt length written by {@link PassphraseEnvelope}. */
    public static final int SALT_BYTES = 16;
    /** Shortest and longest salt accepted when reading. */
    static final int MIN_SALT_BYTES = 16;
    static final int MAX_SALT_BYTES = 64;
    /**
     * RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes): a backup is opened rarely,
     * so it can afford much more work per guess than a sign-in.
     */
    public static final PasswordHasher.Params DEFAULT = new PasswordHasher.Params(65_536, 3, 4);

    private PassphraseKey() {}

    /**
     * Derives the key for {@code passphrase} and {@code salt}.
     * @throws IllegalArgumentException if the parameters are out of {@link #problemWith} bounds,
     *     the salt has the wrong length, or the passphrase is not valid Unicode
     */
    public static DataKey derive(char[] passphrase, byte[] salt, PasswordHasher.Params params) {
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(params, "params");
        String problem = problemWith(params);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
            throw new IllegalArgumentException("salt must be " + MIN_SALT_BYTES + " to " + MAX_SALT_BYTES + " bytes, got "
                    + salt.length);
        }
        byte[] out = new byte[DataKey.BYTES];
        try {
            PasswordHasher.derive(passphrase, salt, params, out);
            return DataKey.fromBytes(out);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    /**
     * Null when the parameters are within what Postern computes, else why not. The same bounds as
     * stored password hashes: at most 1 GiB, 100 passes and 64 lanes, so a crafted file cannot make
     * a restore allocate without limit.
     */
    static String problemWith(PasswordHasher.Params p) {
        if (p.parallelism() < 1 || p.parallelism() > PasswordHasher.MAX_PARALLELISM) {
            return "Argon2id parallelism must be 1.." + PasswordHasher.MAX_PARALLELISM + ", got " + p.parallelism();
        }
        if (p.iterations() < 1 || p.iterations() > PasswordHasher.MAX_ITERATIONS) {
            return "Argon2id iterations must be 1.." + PasswordHasher.MAX_ITERATIONS + ", got " + p.iterations();
        }
        if (p.memoryKiB() < 8 * p.parallelism() || p.memoryKiB() > PasswordHasher.MAX_MEMORY_KIB) {
            return "Argon2id memory must be " + 8 * p.parallelism() + " to " + PasswordHasher.MAX_MEMORY_KIB
                    + " KiB, got " + p.memoryKiB();
        }
        return null;
    }
}

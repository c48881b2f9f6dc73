package org.postern.server.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.crypto.Secrets;

/**
 * The key of the audit log's hash chain (HMAC-SHA256). Kept outside the database, sealed under the
 * master key, so that someone who can write the database cannot rewrite the log and recompute a
 * valid chain. Generated on first run; resealed by {@code keys rotate}; included in key backups.
 */
public final class AuditChainKey {
    public static final String PURPOSE = "audit-chain-key";
    public static final String FILE_NAME = "audit-chain.sealed";
    static final int KEY_BYTES = 32;

    private AuditChainKey() {}

    /** The key, generating and sealing one first when {@code keysDir} has none. */
    public static byte[] loadOrCreate(Path keysDir, MasterKeyRing ring) {
        Path file = keysDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                byte[] key = Secrets.randomBytes(KEY_BYTES);
                OwnerOnlyFiles.write(file, ring.seal(PURPOSE, key));
                java.util.Arrays.fill(key, (byte) 0);
            }
            OwnerOnlyFiles.requireOwnerOnly(file);
            byte[] key = ring.unseal(PURPOSE, Files.readAllBytes(file));
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException("the audit chain key in " + file + " has the wrong length");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}

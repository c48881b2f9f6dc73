package org.postern.server.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.model.IntegrityException;

/**
 * The key that signs access tokens (ES256, P-256). Generated on first run and kept on disk only
 * sealed under the master key: the PKCS#8 private key, sealed for {@link #PURPOSE}. After a
 * signing-key rotation the key before it is kept in {@link #PREVIOUS_FILE_NAME}, sealed the same
 * way, so moving a file between the two names needs no resealing ({@link FileSigningKeys}).
 */
public final class TokenSigningKey {
    public static final String PURPOSE = "token-signing-key";
    public static final String FILE_NAME = "token-signing.sealed";
    /** The key the active one replaced, still accepted for verification. */
    public static final String PREVIOUS_FILE_NAME = "token-signing.previous.sealed";
    private static final int MAX_SEALED_BYTES = 64 * 1024;

    private TokenSigningKey() {}

    /** Loads the sealed key from {@code keysDir}, generating it first when there is none. */
    public static ECPrivateKey loadOrCreate(Path keysDir, MasterKeyRing ring) {
        Path file = keysDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            OwnerOnlyFiles.write(file, generateSealed(ring));
        }
        return unseal(file, readSealed(file), ring);
    }

    /** A fresh P-256 key, sealed under {@code ring}'s active key, as the file holds it. */
    static byte[] generateSealed(MasterKeyRing ring) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = gen.generateKeyPair();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            try {
                return ring.seal(PURPOSE, pkcs8);
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 key generation is not available on this JVM", e);
        }
    }

    /** The sealed content of {@code file}, which must be owner-only and of a plausible size. */
    static byte[] readSealed(Path file) {
        OwnerOnlyFiles.requireOwnerOnly(file);
        try {
            if (Files.size(file) > MAX_SEALED_BYTES) {
                throw new KeyFileException(file + " is larger than " + MAX_SEALED_BYTES + " bytes; it is not a sealed key");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The private key sealed in {@code sealed} (read from {@code file}, named in errors).
     * @throws KeyFileException if it does not unseal under the ring or is not a P-256 key
     */
    static ECPrivateKey unseal(Path file, byte[] sealed, MasterKeyRing ring) {
        byte[] pkcs8;
        try {
            pkcs8 = ring.unseal(PURPOSE, sealed);
        } catch (IntegrityException e) {
            throw new KeyFileException(file + " cannot be unsealed with the master key ring: it was altered or its "
                    + "master key is gone", e);
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new KeyFileException("the token signing key in " + file + " is not a valid P-256 key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}

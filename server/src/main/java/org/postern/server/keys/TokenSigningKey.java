package org.postern.server.keys;

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
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;

/**
 * The key that signs access tokens (ES256, P-256). Generated on first run and kept on disk only
 * sealed under the master key; the identity work publishes its public half as JWKS.
 */
public final class TokenSigningKey {
    public static final String PURPOSE = "token-signing-key";
    public static final String FILE_NAME = "token-signing.sealed";

    private TokenSigningKey() {}

    /** Loads the sealed key from {@code keysDir}, generating it first when there is none. */
    public static ECPrivateKey loadOrCreate(Path keysDir, MasterKeyRing ring) {
        Path file = keysDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
                gen.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = gen.generateKeyPair();
                byte[] pkcs8 = pair.getPrivate().getEncoded();
                OwnerOnlyFiles.write(file, ring.seal(PURPOSE, pkcs8));
                Arrays.fill(pkcs8, (byte) 0);
            }
            OwnerOnlyFiles.requireOwnerOnly(file);
            byte[] pkcs8 = ring.unseal(PURPOSE, Files.readAllBytes(file));
            try {
                return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read or write " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the token signing key in " + file + " is not a valid P-256 key", e);
        }
    }
}

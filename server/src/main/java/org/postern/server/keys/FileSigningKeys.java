package org.postern.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.postern.auth.token.SigningKey;
import org.postern.auth.token.SigningKeys;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token-signing keys as the keys directory holds them: the active key in
 * {@code token-signing.sealed} and, after a rotation, the one it replaced in
 * {@code token-signing.previous.sealed} (see {@link TokenSigningKey}). A key's {@code kid} is the
 * RFC 7638 JWK thumbprint of its public key, which is derived from the private key.
 *
 * <p>Rotation ({@link #rotate}) copies the active file to the previous name and then replaces the
 * active file, each step an atomic rename, so a reader in another process always finds an active
 * key, and every key that signed a token still in its lifetime stays verifiable. Instances notice a
 * change of either file (modification time, size or inode) at most {@link #RECHECK} after it
 * happened and reload, so a rotation by the CLI takes effect in a running server without a restart.
 * A reload that fails (a file half-way through replacement by a process that does not lock, say)
 * keeps the keys already loaded and is retried at the next check.
 */
public final class FileSigningKeys implements SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(FileSigningKeys.class);
    /** How often, at most, the files are checked for a change. */
    public static final Duration RECHECK = Duration.ofSeconds(1);
    private static final ECNamedCurveParameterSpec P256 = ECNamedCurveTable.getParameterSpec("secp256r1");

    /** What a rotation did: the new active key and the previous one, still accepted. */
    public record Rotation(SigningKey active, SigningKey previous) {}

    private final Path keysDir;
    private final Path activeFile;
    private final Path previousFile;
    private final Supplier<MasterKeyRing> ring;
    private final Clock clock;

    private List<SigningKey> keys;
    private List<Object> loadedVersions;
    private long lastCheckMillis;

    /**
     * Reads the keys in {@code keysDir} (the active one must exist: the deployment creates it on
     * first run), unsealing with the ring as {@code ring} supplies it at each reload.
     * @throws KeyFileException if the active key is missing or cannot be unsealed
     */
    public FileSigningKeys(Path keysDir, Supplier<MasterKeyRing> ring) {
        this(keysDir, ring, Clock.systemUTC());
    }

    /** As {@link #FileSigningKeys(Path, Supplier)}, with {@code clock} timing the re-checks. */
    public FileSigningKeys(Path keysDir, Supplier<MasterKeyRing> ring, Clock clock) {
        this.keysDir = Objects.requireNonNull(keysDir, "keysDir");
        this.activeFile = keysDir.resolve(TokenSigningKey.FILE_NAME);
        this.previousFile = keysDir.resolve(TokenSigningKey.PREVIOUS_FILE_NAME);
        this.ring = Objects.requireNonNull(ring, "ring");
        this.clock = Objects.requireNonNull(clock, "clock");
        synchronized (this) {
            reload();
        }
    }

    @Override
    public synchronized SigningKey active() {
        refresh();
        return keys.getFirst();
    }

    @Override
    public synchronized List<SigningKey> verificationKeys() {
        refresh();
        return keys;
    }

    /**
     * Makes a new active key; the active one becomes the previous one, and the previous one is
     * dropped (tokens it signed are refused from now on). Safe while servers run on the same data.
     */
    public Rotation rotate() {
        try (KeysLock lock = KeysLock.acquire(keysDir)) {
            MasterKeyRing current = ring.get();
            byte[] sealed = TokenSigningKey.readSealed(activeFile);
            // Only a key that opens may become the previous one.
            TokenSigningKey.unseal(activeFile, sealed, current);
            OwnerOnlyFiles.write(previousFile, sealed);
            OwnerOnlyFiles.write(activeFile, TokenSigningKey.generateSealed(current));
        }
        synchronized (this) {
            reload();
            if (keys.size() < 2) {
                throw new IllegalStateException("signing-key rotation left no previous key in " + keysDir);
            }
            LOG.info("event=keys.signing_rotated active_kid={} previous_kid={}", keys.get(0).kid(), keys.get(1).kid());
            return new Rotation(keys.get(0), keys.get(1));
        }
    }

    private void refresh() {
        long now = clock.millis();
        long since = now - lastCheckMillis;
        if (since >= 0 && since < RECHECK.toMillis()) {
            return;
        }
        lastCheckMillis = now;
        if (versions().equals(loadedVersions)) {
            return;
        }
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warn("event=keys.signing_reload_failed reason=\"{}\"; keeping the keys loaded before", e.getMessage());
        }
    }

    /** Reads both files; the versions are taken first, so a change during the read is seen at the next check. */
    private void reload() {
        List<Object> versions = versions();
        MasterKeyRing current = ring.get();
        List<SigningKey> loaded = new ArrayList<>(2);
        loaded.add(signingKey(TokenSigningKey.unseal(activeFile, TokenSigningKey.readSealed(activeFile), current)));
        if (Files.exists(previousFile)) {
            SigningKey previous =
                    signingKey(TokenSigningKey.unseal(previousFile, TokenSigningKey.readSealed(previousFile), current));
            if (!previous.kid().equals(loaded.getFirst().kid())) {
                loaded.add(previous);
            }
        }
        keys = List.copyOf(loaded);
        loadedVersions = versions;
        lastCheckMillis = clock.millis();
    }

    private List<Object> versions() {
        return List.of(version(activeFile), version(previousFile));
    }

    private static Object version(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            throw new KeyFileException("cannot read the attributes of " + file + ": " + e, e);
        }
    }

    /** The key pair and kid for a P-256 private key. */
    static SigningKey signingKey(ECPrivateKey privateKey) {
        ECPublicKey publicKey = publicKeyOf(privateKey);
        try {
            String kid = new ECKey.Builder(Curve.P_256, publicKey).build().computeThumbprint().toString();
            return new SigningKey(kid, publicKey, privateKey);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot compute the JWK thumbprint", e);
        }
    }

    /** Q = d·G on P-256; the sealed file holds only the private key. */
    static ECPublicKey publicKeyOf(ECPrivateKey privateKey) {
        BigInteger order = privateKey.getParams().getOrder();
        if (!order.equals(P256.getN()) || privateKey.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new KeyFileException("the token signing key is not on P-256");
        }
        if (privateKey.getS().signum() <= 0 || privateKey.getS().compareTo(order) >= 0) {
            throw new KeyFileException("the token signing key is out of range for P-256");
        }
        org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), privateKey.getS()).normalize();
        ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, privateKey.getParams()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC keys are not available on this JVM", e);
        }
    }
}

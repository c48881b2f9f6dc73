package org.postern.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.auth.token.SigningKey;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;

class FileSigningKeysTest {
    @TempDir
    Path tmp;
    Path keysDir;
    MasterKeys masterKeys;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @BeforeEach
    void setUp() {
        keysDir = tmp.resolve("keys");
        masterKeys = MasterKeys.openOrCreate(keysDir.resolve("master.keys"));
        TokenSigningKey.loadOrCreate(keysDir, masterKeys.get());
    }

    private FileSigningKeys keys() {
        return new FileSigningKeys(keysDir, masterKeys, clock);
    }

    private static String sign(SigningKey key, String claims) throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.kid()).build(), new Payload(claims));
        jws.sign(new ECDSASigner(key.privateKey()));
        return jws.serialize();
    }

    /** Verifies as a token check would: find the key by kid among the verification keys. */
    private static boolean verifies(FileSigningKeys keys, String token) throws Exception {
        JWSObject jws = JWSObject.parse(token);
        for (SigningKey k : keys.verificationKeys()) {
            if (k.kid().equals(jws.getHeader().getKeyID())) {
                return jws.verify(new ECDSAVerifier(k.publicKey()));
            }
        }
        return false;
    }

    @Test
    void theKidIsTheJwkThumbprintOfThePublicKeyDerivedFromThePrivateKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        SigningKey key = FileSigningKeys.signingKey((ECPrivateKey) pair.getPrivate());
        ECPublicKey expected = (ECPublicKey) pair.getPublic();
        assertThat(key.publicKey().getW()).isEqualTo(expected.getW());
        assertThat(key.kid()).isEqualTo(new ECKey.Builder(Curve.P_256, expected).build().computeThumbprint().toString())
                .matches("[A-Za-z0-9_-]{43}");
        JWSObject jws = JWSObject.parse(sign(key, "{\"sub\":\"x\"}"));
        assertThat(jws.verify(new ECDSAVerifier(expected))).isTrue();
    }

    @Test
    void aKeyNotOnP256IsRefused() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp384r1"));
        ECPrivateKey p384 = (ECPrivateKey) gen.generateKeyPair().getPrivate();
        assertThatThrownBy(() -> FileSigningKeys.signingKey(p384)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("P-256");
        OwnerOnlyFiles.write(keysDir.resolve(TokenSigningKey.FILE_NAME),
                masterKeys.get().seal(TokenSigningKey.PURPOSE, p384.getEncoded()));
        assertThatThrownBy(this::keys).isInstanceOf(KeyFileException.class).hasMessageContaining("P-256");
    }

    @Test
    void beforeAnyRotationTheFirstRunKeyIsTheOnlyKey() {
        ECPrivateKey firstRun = TokenSigningKey.loadOrCreate(keysDir, masterKeys.get());
        FileSigningKeys keys = keys();
        assertThat(keys.active().kid()).isEqualTo(FileSigningKeys.signingKey(firstRun).kid());
        assertThat(keys.verificationKeys()).containsExactly(keys.active());
        assertThat(keysDir.resolve(TokenSigningKey.PREVIOUS_FILE_NAME)).doesNotExist();
    }

    @Test
    void rotationSignsWithANewKeyAndKeepsTheOldOneVerifiableUntilTheNextRotation() throws Exception {
        FileSigningKeys keys = keys();
        SigningKey first = keys.active();
        String oldToken = sign(first, "{\"sub\":\"old\"}");

        FileSigningKeys.Rotation r = keys.rotate();
        assertThat(r.previous().kid()).isEqualTo(first.kid());
        assertThat(r.active().kid()).isNotEqualTo(first.kid());
        assertThat(keys.active().kid()).isEqualTo(r.active().kid());
        assertThat(keys.verificationKeys()).extracting(SigningKey::kid).containsExactly(r.active().kid(), first.kid());
        assertThat(verifies(keys, oldToken)).isTrue();
        String newToken = sign(keys.active(), "{\"sub\":\"new\"}");
        assertThat(verifies(keys, newToken)).isTrue();
        for (String name : List.of(TokenSigningKey.FILE_NAME, TokenSigningKey.PREVIOUS_FILE_NAME)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysDir.resolve(name))))
                    .isEqualTo("rw-------");
        }

        FileSigningKeys.Rotation second = keys.rotate();
        assertThat(second.previous().kid()).isEqualTo(r.active().kid());
        assertThat(keys.verificationKeys()).extracting(SigningKey::kid)
                .containsExactly(second.active().kid(), r.active().kid()).doesNotContain(first.kid());
        assertThat(verifies(keys, oldToken)).isFalse();
        assertThat(verifies(keys, newToken)).isTrue();

        // The files are what a fresh reader sees too.
        assertThat(keys().verificationKeys()).extracting(SigningKey::kid)
                .containsExactly(second.active().kid(), r.active().kid());
    }

    @Test
    void aRotationByAnotherInstanceTakesEffectWithinOneSecond() {
        FileSigningKeys server = keys();
        SigningKey before = server.active();
        FileSigningKeys cli = new FileSigningKeys(keysDir, MasterKeys.openOrCreate(keysDir.resolve("master.keys")), clock);
        FileSigningKeys.Rotation r = cli.rotate();

        clock.advance(Duration.ofMillis(500));
        assertThat(server.active().kid()).as("checked at most once a second").isEqualTo(before.kid());
        clock.advance(Duration.ofMillis(600));
        assertThat(server.active().kid()).isEqualTo(r.active().kid());
        assertThat(server.verificationKeys()).extracting(SigningKey::kid).containsExactly(r.active().kid(), before.kid());
    }

    @Test
    void aResealUnderANewMasterKeyIsReadWithTheNewRingAndKeepsTheKids() {
        FileSigningKeys keys = keys();
        FileSigningKeys.Rotation r = keys.rotate();
        MasterKeyRing next = masterKeys.get().withNewActiveKey();
        masterKeys.replace(next);
        for (String name : List.of(TokenSigningKey.FILE_NAME, TokenSigningKey.PREVIOUS_FILE_NAME)) {
            Path f = keysDir.resolve(name);
            byte[] plain = next.unseal(TokenSigningKey.PURPOSE, TokenSigningKey.readSealed(f));
            OwnerOnlyFiles.write(f, next.seal(TokenSigningKey.PURPOSE, plain));
        }
        masterKeys.replace(next.withoutKey(next.keyIds().iterator().next()));
        clock.advance(Duration.ofSeconds(2));
        assertThat(keys.verificationKeys()).extracting(SigningKey::kid)
                .containsExactly(r.active().kid(), r.previous().kid());
    }

    @Test
    void aDamagedFileAfterLoadingKeepsTheLoadedKeysAndIsRefusedByANewReader() throws Exception {
        FileSigningKeys keys = keys();
        FileSigningKeys.Rotation r = keys.rotate();
        Path previous = keysDir.resolve(TokenSigningKey.PREVIOUS_FILE_NAME);
        byte[] sealed = Files.readAllBytes(previous);
        sealed[sealed.length - 3] ^= 0x10;
        OwnerOnlyFiles.write(previous, sealed);
        clock.advance(Duration.ofSeconds(2));
        assertThat(keys.verificationKeys()).extracting(SigningKey::kid)
                .containsExactly(r.active().kid(), r.previous().kid());
        assertThatThrownBy(this::keys).isInstanceOf(KeyFileException.class)
                .hasMessageContaining(TokenSigningKey.PREVIOUS_FILE_NAME);
    }

    @Test
    void rotationRefusesToMoveAnActiveKeyThatDoesNotOpen() throws Exception {
        FileSigningKeys keys = keys();
        Path active = keysDir.resolve(TokenSigningKey.FILE_NAME);
        byte[] foreign = MasterKeyRing.loadOrCreate(tmp.resolve("other/master.keys"))
                .seal(TokenSigningKey.PURPOSE, new byte[] {1});
        OwnerOnlyFiles.write(active, foreign);
        assertThatThrownBy(keys::rotate).isInstanceOf(KeyFileException.class).hasMessageContaining("cannot be unsealed");
        assertThat(keysDir.resolve(TokenSigningKey.PREVIOUS_FILE_NAME)).doesNotExist();
        assertThat(Files.readAllBytes(active)).isEqualTo(foreign);
    }
}

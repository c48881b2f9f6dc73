package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.postern.model.IntegrityException;

class PassphraseEnvelopeTest {
    private static final byte[] MAGIC = "TESTFILE".getBytes(StandardCharsets.US_ASCII);
    /** Small parameters keep the suite fast; one test runs the default. */
    private static final PasswordHasher.Params FAST = new PasswordHasher.Params(64, 1, 1);
    private static final char[] PASSPHRASE = "a long operator passphrase, ünïcode too".toCharArray();
    private static final byte[] PLAIN = "key material\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void sealedContentOpensWithThePassphraseOnly() {
        byte[] sealed = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, FAST);
        assertThat(PassphraseEnvelope.open(MAGIC, PASSPHRASE, sealed)).isEqualTo(PLAIN);
        assertThatThrownBy(() -> PassphraseEnvelope.open(MAGIC, "a long operator passphrase, ünïcode toO".toCharArray(),
                sealed)).isInstanceOf(IntegrityException.class).hasMessageContaining("wrong passphrase");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("key material");
    }

    @Test
    void theSameInputSealsDifferentlyEachTime() {
        byte[] a = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, FAST);
        byte[] b = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, FAST);
        assertThat(a).isNotEqualTo(b);
        // different salts, so different keys
        assertThat(Arrays.copyOfRange(a, 23, 39)).isNotEqualTo(Arrays.copyOfRange(b, 23, 39));
    }

    @Test
    void everyAlteredByteIsRefusedWithoutReleasingPlaintext() {
        byte[] sealed = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, FAST);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> PassphraseEnvelope.open(MAGIC, PASSPHRASE, altered))
                    .as("byte %d altered", at).isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    void truncatedOrForeignContentIsRefused() {
        byte[] sealed = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, FAST);
        for (int length : new int[] {0, 7, 8, 20, 38, 39, 50, sealed.length - 1}) {
            byte[] cut = Arrays.copyOf(sealed, length);
            assertThatThrownBy(() -> PassphraseEnvelope.open(MAGIC, PASSPHRASE, cut)).as("length %d", length)
                    .isInstanceOf(IntegrityException.class);
        }
        assertThatThrownBy(() -> PassphraseEnvelope.open("OTHERFIL".getBytes(StandardCharsets.US_ASCII), PASSPHRASE, sealed))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("not a OTHERFIL file");
        assertThat(PassphraseEnvelope.hasMagic(MAGIC, sealed)).isTrue();
        assertThat(PassphraseEnvelope.hasMagic(MAGIC, "TESTFIL".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    @Test
    void outOfBoundsParametersAreRefusedBeforeAnyWork() {
        byte[] sealed = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, FAST);
        byte[] greedy = sealed.clone();
        ByteBuffer.wrap(greedy).putInt(10, 64 * 1024 * 1024); // 64 GiB of memory
        long start = System.nanoTime();
        assertThatThrownBy(() -> PassphraseEnvelope.open(MAGIC, PASSPHRASE, greedy))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("out-of-bounds");
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        byte[] newer = sealed.clone();
        newer[8] = 2;
        assertThatThrownBy(() -> PassphraseEnvelope.open(MAGIC, PASSPHRASE, newer))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, new PasswordHasher.Params(4, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDocumentedFormatDecryptsWithoutPosternCode() throws Exception {
        byte[] sealed = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, new PasswordHasher.Params(256, 2, 2));
        ByteBuffer in = ByteBuffer.wrap(sealed);
        byte[] magic = new byte[8];
        in.get(magic);
        assertThat(magic).isEqualTo(MAGIC);
        assertThat(in.get()).isEqualTo((byte) 1); // version
        assertThat(in.get()).isEqualTo((byte) 1); // Argon2id
        int memory = in.getInt();
        int iterations = in.getInt();
        int lanes = in.getInt();
        assertThat(new int[] {memory, iterations, lanes}).containsExactly(256, 2, 2);
        byte[] salt = new byte[in.get()];
        assertThat(salt).hasSize(16);
        in.get(salt);
        int headerLength = in.position();
        assertThat(in.get()).isEqualTo((byte) 1); // AesGcm version
        byte[] nonce = new byte[12];
        in.get(nonce);

        byte[] key = new byte[32];
        Argon2BytesGenerator argon = new Argon2BytesGenerator();
        argon.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory).withIterations(iterations).withParallelism(lanes).withSalt(salt).build());
        argon.generateBytes(new String(PASSPHRASE).getBytes(StandardCharsets.UTF_8), key);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(sealed, 0, headerLength);
        assertThat(gcm.doFinal(sealed, in.position(), sealed.length - in.position())).isEqualTo(PLAIN);
    }

    @Test
    void theDefaultParametersAreRfc9106sSecondOptionAndWork() {
        assertThat(PassphraseKey.DEFAULT).isEqualTo(new PasswordHasher.Params(65_536, 3, 4));
        byte[] sealed = PassphraseEnvelope.seal(MAGIC, PASSPHRASE, PLAIN, PassphraseKey.DEFAULT);
        assertThat(PassphraseEnvelope.open(MAGIC, PASSPHRASE, sealed)).isEqualTo(PLAIN);
    }

    @Test
    void derivedKeysDependOnPassphraseAndSalt() {
        byte[] salt = new byte[16];
        byte[] otherSalt = new byte[16];
        otherSalt[0] = 1;
        byte[] a = sealWith(PassphraseKey.derive("passphrase one..".toCharArray(), salt, FAST));
        try (DataKey same = PassphraseKey.derive("passphrase one..".toCharArray(), salt, FAST);
             DataKey otherPass = PassphraseKey.derive("passphrase two..".toCharArray(), salt, FAST);
             DataKey otherSaltKey = PassphraseKey.derive("passphrase one..".toCharArray(), otherSalt, FAST)) {
            assertThat(AesGcm.open(same, a, new byte[0])).isEqualTo(PLAIN);
            assertThatThrownBy(() -> AesGcm.open(otherPass, a, new byte[0])).isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> AesGcm.open(otherSaltKey, a, new byte[0])).isInstanceOf(IntegrityException.class);
        }
        assertThatThrownBy(() -> PassphraseKey.derive("x".toCharArray(), new byte[8], FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("salt");
    }

    private static byte[] sealWith(DataKey key) {
        try (key) {
            return AesGcm.seal(key, PLAIN, new byte[0]);
        }
    }
}

package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
    /** Small parameters keep the suite fast; one test runs the default. */
    private static final PasswordHasher.Params FAST = new PasswordHasher.Params(64, 1, 1);
    private final PasswordHasher hasher = new PasswordHasher(FAST);

    @Test
    void argon2idMatchesTheRfc9106TestVector() {
        // RFC 9106 section 5.3: Argon2id, m=32 KiB, t=3, p=4, with secret and associated data.
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] ad = filled(12, 0x04);
        byte[] tag = new byte[32];
        PasswordHasher.deriveRaw(password, salt, secret, ad, new PasswordHasher.Params(32, 3, 4), tag, false);
        assertThat(HexFormat.of().formatHex(tag))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void hashesFromTheReferenceImplementationVerify() {
        // Computed with the reference C implementation (Debian libargon2-1, argon2id_hash_encoded).
        PasswordHasher any = new PasswordHasher(FAST);
        assertThat(any.verify("password".toCharArray(),
                "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM")).isTrue();
        assertThat(any.verify("pässwörd".toCharArray(),
                "$argon2id$v=19$m=256,t=3,p=2$MDEyMzQ1Njc4OWFiY2RlZg$7zWvqoBJd3ilKi8NrxRpwMq/MHWhE+oxwC+Fev5IKjs")).isTrue();
        assertThat(any.verify("passw0rd".toCharArray(),
                "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM")).isFalse();
    }

    @Test
    void defaultParametersHashInThePhcFormatAndMatchTheReferenceImplementation() {
        PasswordHasher standard = new PasswordHasher(PasswordHasher.Params.DEFAULT);
        String phc = standard.hash("correct horse battery staple ü".toCharArray());
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(standard.verify("correct horse battery staple ü".toCharArray(), phc)).isTrue();
        assertThat(standard.verify("correct horse battery staple u".toCharArray(),
                "$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$nN42oL6v7T8e+vnfx3jBIoSIC6EDTmnJoP+5aapuj5I")).isFalse();
        assertThat(standard.verify("correct horse battery staple ü".toCharArray(),
                "$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$nN42oL6v7T8e+vnfx3jBIoSIC6EDTmnJoP+5aapuj5I")).isTrue();
        assertThat(standard.needsRehash(phc)).isFalse();
    }

    @Test
    void verifyAcceptsTheRightPasswordAndRefusesAWrongOne() {
        String phc = hasher.hash("hunter2-but-longer".toCharArray());
        assertThat(hasher.verify("hunter2-but-longer".toCharArray(), phc)).isTrue();
        assertThat(hasher.verify("hunter2-but-longeR".toCharArray(), phc)).isFalse();
        assertThat(hasher.verify(new char[0], phc)).isFalse();
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertThat(hasher.hash("same".toCharArray())).isNotEqualTo(hasher.hash("same".toCharArray()));
    }

    @Test
    void hashingLeavesTheCallersPasswordUntouched() {
        char[] password = "do not wipe my array".toCharArray();
        hasher.hash(password);
        assertThat(new String(password)).isEqualTo("do not wipe my array");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage",
        "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=064,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$t=1,m=64,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA==$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdB$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM$",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMb-xSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZQ$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD",
        "$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=7,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=9999999999,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=2097152,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=101,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=4096,t=1,p=65$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        " $argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM"
    })
    void malformedOrAbsurdStoredHashesVerifyAsFalse(String phc) {
        assertThat(hasher.verify("password".toCharArray(), phc)).isFalse();
    }

    @Test
    void nullStoredHashVerifiesAsFalse() {
        assertThat(hasher.verify("password".toCharArray(), null)).isFalse();
    }

    @Test
    void needsRehashWhenStoredParametersAreWeaker() {
        PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Params(128, 2, 1));
        String weak = hasher.hash("pw".toCharArray());
        assertThat(hasher.needsRehash(weak)).isFalse();
        assertThat(stronger.needsRehash(weak)).isTrue();
        assertThat(new PasswordHasher(new PasswordHasher.Params(64, 2, 1)).needsRehash(weak)).isTrue();
        assertThat(new PasswordHasher(new PasswordHasher.Params(64, 1, 2)).needsRehash(weak)).isTrue();
        assertThat(hasher.needsRehash(stronger.hash("pw".toCharArray()))).isFalse();
        assertThat(hasher.needsRehash("not a hash")).isTrue();
    }

    @Test
    void constructorRefusesInvalidParameters() {
        assertThatThrownBy(() -> new PasswordHasher(new PasswordHasher.Params(15, 1, 2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(new PasswordHasher.Params(64, 0, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(new PasswordHasher.Params(64, 1, 0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void unpairedSurrogateIsRefusedRatherThanHashedLossily() {
        assertThatThrownBy(() -> hasher.hash(new char[] {'a', '\uD800'})).isInstanceOf(IllegalArgumentException.class);
        assertThat(hasher.verify(new char[] {'a', '\uD800'}, hasher.hash("a".toCharArray()))).isFalse();
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}

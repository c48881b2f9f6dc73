package org.postern.auth.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
    /** The RFC 6238 appendix B SHA-1 seed: "12345678901234567890". */
    private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    private static Totp at(long epochSecond) {
        return new Totp(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    /** RFC 4226 HOTP written out with javax.crypto, independently of java-otp. */
    private static String hotpByHand(byte[] key, long counter) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
        int offset = h[h.length - 1] & 0x0f;
        int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
                | (h[offset + 3] & 0xff);
        return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
    }

    // RFC 6238 appendix B, SHA-1 column: the 8-digit values' last six digits.
    @ParameterizedTest
    @CsvSource({"59, 287082", "1111111109, 081804", "1111111111, 050471", "1234567890, 005924",
            "2000000000, 279037", "20000000000, 353130"})
    void rfc6238Sha1Vectors(long time, String code) {
        Totp totp = at(time);
        assertThat(totp.codeAt(RFC_SEED, totp.currentStep())).isEqualTo(code);
        assertThat(totp.matchingStep(RFC_SEED, code)).hasValue(time / 30);
    }

    @Test
    void agreesWithAnIndependentImplementation() throws Exception {
        byte[] key = new byte[20];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        // Computed with Python's hmac module: hotp(bytes(range(20)), 55555555) and counter 0.
        assertThat(at(0).codeAt(key, 55_555_555)).isEqualTo("970219").isEqualTo(hotpByHand(key, 55_555_555));
        assertThat(at(0).codeAt(key, 0)).isEqualTo("858575");
        for (int i = 0; i < 50; i++) {
            byte[] secret = Totp.newSecret();
            long step = 50_000_000L + i * 7919L;
            assertThat(at(0).codeAt(secret, step)).isEqualTo(hotpByHand(secret, step));
        }
    }

    @Test
    void codesAreAsciiWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG-u-nu-arab"));
            assertThat(at(59).codeAt(RFC_SEED, 1)).isEqualTo("287082");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void acceptsOneStepEitherSideAndSaysWhich() {
        long now = 1_700_000_000L;
        Totp totp = at(now);
        long step = totp.currentStep();
        assertThat(step).isEqualTo(now / 30);
        byte[] secret = Totp.newSecret();
        assertThat(totp.matchingStep(secret, totp.codeAt(secret, step))).hasValue(step);
        assertThat(totp.matchingStep(secret, totp.codeAt(secret, step - 1))).hasValue(step - 1);
        assertThat(totp.matchingStep(secret, totp.codeAt(secret, step + 1))).hasValue(step + 1);
        String old = totp.codeAt(secret, step - 2);
        String future = totp.codeAt(secret, step + 2);
        // A code two steps away may by chance equal a nearer one; only check when it does not.
        if (!old.equals(totp.codeAt(secret, step - 1)) && !old.equals(totp.codeAt(secret, step))
                && !old.equals(totp.codeAt(secret, step + 1))) {
            assertThat(totp.matchingStep(secret, old)).isEmpty();
        }
        if (!future.equals(totp.codeAt(secret, step - 1)) && !future.equals(totp.codeAt(secret, step))
                && !future.equals(totp.codeAt(secret, step + 1))) {
            assertThat(totp.matchingStep(secret, future)).isEmpty();
        }
    }

    @Test
    void theRfcCodeIsRefusedFarFromItsTime() {
        assertThat(at(59 + 90).matchingStep(RFC_SEED, "287082")).isEmpty();
        assertThat(at(59 + 30).matchingStep(RFC_SEED, "287082")).hasValue(1);
    }

    @Test
    void junkIsEmptyNeverAnException() {
        Totp totp = at(59);
        for (String junk : new String[] {null, "", "28708", "2870820", " 287082", "287082 ", "28708a", "+28708",
                "-28708", "２８７０８２", "٢٨٧٠٨٢", "287\u0000082", "28 082", "x".repeat(10_000)}) {
            assertThat(totp.matchingStep(RFC_SEED, junk)).as("%s", junk).isEqualTo(OptionalLong.empty());
        }
        assertThat(totp.matchingStep(RFC_SEED, "287082")).hasValue(1);
    }

    @Test
    void newSecretsAre20RandomBytes() {
        assertThat(Totp.newSecret()).hasSize(20).isNotEqualTo(Totp.newSecret());
        assertThatThrownBy(() -> at(0).codeAt(new byte[0], 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void base32IsRfc4648WithoutPadding() {
        assertThat(Totp.base32("".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(Totp.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
        assertThat(Totp.base32("fo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXQ");
        assertThat(Totp.base32("foo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6");
        assertThat(Totp.base32("foob".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YQ");
        assertThat(Totp.base32("fooba".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTB");
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Totp.base32(RFC_SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    @Test
    void otpauthUriHasEveryParameterAndEncodesTheLabel() {
        byte[] secret = new byte[20];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) i;
        }
        String uri = Totp.otpauthUri("Postern Mail", "alice@example.org", secret);
        assertThat(uri).isEqualTo("otpauth://totp/Postern%20Mail:alice%40example.org"
                + "?secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&issuer=Postern%20Mail&algorithm=SHA1&digits=6&period=30");
        URI parsed = URI.create(uri);
        assertThat(parsed.getScheme()).isEqualTo("otpauth");
        assertThat(parsed.getHost()).isEqualTo("totp");
        assertThat(parsed.getPath()).isEqualTo("/Postern Mail:alice@example.org");
    }

    @Test
    void otpauthUriEncodesReservedAndNonAsciiCharacters() {
        String uri = Totp.otpauthUri("Ex:am&ple=?", "j\u00fcrgen+1/x#y@b\u00fccher.example", new byte[] {1});
        assertThat(uri).startsWith("otpauth://totp/Ex%3Aam%26ple%3D%3F:j%C3%BCrgen%2B1%2Fx%23y%40b%C3%BCcher.example?secret=AE&")
                .contains("&issuer=Ex%3Aam%26ple%3D%3F&");
        assertThat(Totp.percentEncode("AZaz09-._~ ")).isEqualTo("AZaz09-._~%20");
    }

    @Test
    void otpauthUriRefusesEmptyOrControlLabels() {
        assertThatThrownBy(() -> Totp.otpauthUri("", "a", new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Totp.otpauthUri("P", "a\nb", new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Totp.otpauthUri("P", "a", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Totp.otpauthUri("P", "x".repeat(257), new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }
}

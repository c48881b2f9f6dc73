package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLSA matching (RFC 6698, RFC 7671, RFC 7672) against real certificates made by openssl: a CA,
 * a leaf it issued for mx.example.test, an expired leaf, a leaf for another name, a wildcard leaf
 * and an unrelated self-signed certificate. The expected association data is computed by openssl
 * too, never by the code under test.
 */
class DanePolicyTest {
    private static final List<String> NAMES = List.of("mx.example.test", "example.test");

    @TempDir
    static Path dir;

    static X509Certificate ca;
    static X509Certificate leaf;
    static X509Certificate expired;
    static X509Certificate otherName;
    static X509Certificate wildcard;
    static X509Certificate stranger;

    @BeforeAll
    static void makeCertificates() throws Exception {
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem "
                + "-days 2 -subj '/CN=Test CA' -addext basicConstraints=critical,CA:TRUE");
        issue("leaf", "mx.example.test", 2);
        issue("expired", "mx.example.test", -1);
        issue("othername", "elsewhere.test", 2);
        issue("wildcard", "*.example.test", 2);
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout stranger.key "
                + "-out stranger.pem -days 2 -subj '/CN=mx.example.test' -addext subjectAltName=DNS:mx.example.test");
        ca = cert("ca.pem");
        leaf = cert("leaf.pem");
        expired = cert("expired.pem");
        otherName = cert("othername.pem");
        wildcard = cert("wildcard.pem");
        stranger = cert("stranger.pem");
    }

    private static void issue(String name, String dnsName, int days) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=DNS:" + dnsName + "\n");
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + ".key -out "
                + name + ".csr -subj '/CN=" + dnsName + "'");
        sh("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days " + days
                + " -extfile " + name + ".ext -out " + name + ".pem");
    }

    private static String sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + new String(out, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static X509Certificate cert(String file) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** The association data for a selector and matching type, as openssl computes it. */
    private static String association(String pem, int selector, int matchingType) throws Exception {
        String select = selector == 0 ? "openssl x509 -in " + pem + " -outform DER"
                : "openssl x509 -in " + pem + " -noout -pubkey | openssl pkey -pubin -outform DER";
        String digest = switch (matchingType) {
            case 0 -> "od -An -v -tx1 | tr -d ' \\n'";
            case 1 -> "openssl dgst -sha256 -r | cut -d' ' -f1";
            default -> "openssl dgst -sha512 -r | cut -d' ' -f1";
        };
        return sh(select + " | " + digest).strip();
    }

    private static DanePolicy policy(String... records) {
        return DanePolicy.of(List.of(records), NAMES);
    }

    private static String flipped(String hex) {
        char last = hex.charAt(hex.length() - 1);
        return hex.substring(0, hex.length() - 1) + (last == '0' ? '1' : '0');
    }

    @Test
    void daneEeMatchesTheLeafByEverySelectorAndMatchingType() throws Exception {
        for (int selector = 0; selector <= 1; selector++) {
            for (int type = 0; type <= 2; type++) {
                String data = association("leaf.pem", selector, type);
                String record = "3 " + selector + " " + type + " " + data;
                assertThat(policy(record).check(new X509Certificate[] {leaf, ca}, Instant.now())).as(record).isEmpty();
                String wrong = "3 " + selector + " " + type + " " + flipped(data);
                assertThat(policy(wrong).check(new X509Certificate[] {leaf, ca}, Instant.now())).as(wrong).isPresent();
                // The stranger has the same name but another key: never accepted.
                assertThat(policy(record).check(new X509Certificate[] {stranger}, Instant.now())).as(record).isPresent();
            }
        }
    }

    @Test
    void daneEeIgnoresTheNameAndTheDates() throws Exception {
        assertThat(policy("3 1 1 " + association("othername.pem", 1, 1))
                .check(new X509Certificate[] {otherName}, Instant.now())).isEmpty();
        assertThat(policy("3 0 1 " + association("expired.pem", 0, 1))
                .check(new X509Certificate[] {expired}, Instant.now())).isEmpty();
    }

    @Test
    void daneEeMatchesOnlyTheLeafNotAnotherCertificateOfTheChain() throws Exception {
        assertThat(policy("3 0 1 " + association("ca.pem", 0, 1)).check(new X509Certificate[] {leaf, ca}, Instant.now()))
                .isPresent();
    }

    @Test
    void daneTaMatchesAPresentedIssuerWithTheNameAndDatesChecked() throws Exception {
        for (int selector = 0; selector <= 1; selector++) {
            String record = "2 " + selector + " 1 " + association("ca.pem", selector, 1);
            assertThat(policy(record).check(new X509Certificate[] {leaf, ca}, Instant.now())).as(record).isEmpty();
            // The trust anchor must be presented by the server.
            assertThat(policy(record).check(new X509Certificate[] {leaf}, Instant.now())).as(record).isPresent();
            // A leaf the anchor did not sign.
            assertThat(policy(record).check(new X509Certificate[] {stranger, ca}, Instant.now())).as(record).isPresent();
            // Issued by the anchor, but for another name, or expired.
            assertThat(policy(record).check(new X509Certificate[] {otherName, ca}, Instant.now())).as(record).isPresent();
            assertThat(policy(record).check(new X509Certificate[] {expired, ca}, Instant.now())).as(record).isPresent();
        }
        String sha512 = "2 0 2 " + association("ca.pem", 0, 2);
        assertThat(policy(sha512).check(new X509Certificate[] {leaf, ca}, Instant.now())).isEmpty();
        // The destination domain is a reference identifier too (RFC 7672 §3.2.2); another domain is not.
        assertThat(DanePolicy.of(List.of(sha512), List.of("other.test")).check(new X509Certificate[] {leaf, ca},
                Instant.now())).isPresent();
    }

    @Test
    void aDaneTaRecordForTheLeafItselfIsNotATrustAnchor() throws Exception {
        assertThat(policy("2 0 1 " + association("leaf.pem", 0, 1)).check(new X509Certificate[] {leaf, ca}, Instant.now()))
                .isPresent();
    }

    @Test
    void wildcardNamesCoverExactlyOneLabel() {
        assertThat(DanePolicy.namesOneOf(wildcard, List.of("mx.example.test"))).isTrue();
        assertThat(DanePolicy.namesOneOf(wildcard, List.of("a.mx.example.test"))).isFalse();
        assertThat(DanePolicy.namesOneOf(wildcard, List.of("example.test"))).isFalse();
        assertThat(DanePolicy.namesOneOf(leaf, List.of("MX.example.test".toLowerCase()))).isTrue();
        assertThat(DanePolicy.namesOneOf(leaf, List.of("mx.example.test.evil"))).isFalse();
    }

    @Test
    void pkixUsagesAndMalformedRecordsAreUnusable() throws Exception {
        String spki = association("leaf.pem", 1, 1);
        DanePolicy pkix = policy("0 1 1 " + spki, "1 1 1 " + spki, "3 1 1 " + spki.substring(2), "3 2 1 " + spki,
                "3 1 3 " + spki, "4 1 1 " + spki, "3 1 1 xyz", "3 1", "");
        assertThat(pkix.usable()).isEmpty();
        // Nothing usable: mandatory TLS, but any certificate (RFC 7672 §2.2).
        assertThat(pkix.authenticates()).isFalse();
        assertThat(pkix.check(new X509Certificate[] {stranger}, Instant.now())).isEmpty();
        // One usable record among unusable ones is enough, and it decides.
        DanePolicy mixed = policy("1 1 1 " + spki, "3 1 1 " + spki);
        assertThat(mixed.usable()).hasSize(1);
        assertThat(mixed.check(new X509Certificate[] {leaf}, Instant.now())).isEmpty();
        assertThat(mixed.check(new X509Certificate[] {stranger}, Instant.now())).isPresent();
    }

    @Test
    void recordsParseStrictly() {
        assertThat(TlsaRecord.parse("3 1 1 " + "ab".repeat(32))).get()
                .satisfies(r -> assertThat(r.data()).isEqualTo(HexFormat.of().parseHex("ab".repeat(32))));
        assertThat(TlsaRecord.parse("3 1 1 abc")).isEmpty();
        assertThat(TlsaRecord.parse("3 1 1 ab cd")).isEmpty();
        assertThat(TlsaRecord.parse("-3 1 1 ab")).isEmpty();
        assertThat(TlsaRecord.parse("3 1 1")).isEmpty();
    }

    @Test
    void anEmptyOrOversizedChainIsRefused() throws IOException {
        DanePolicy p = policy("3 1 1 " + "00".repeat(32));
        assertThat(p.check(new X509Certificate[0], Instant.now())).isPresent();
        X509Certificate[] many = new X509Certificate[DanePolicy.MAX_CHAIN + 1];
        java.util.Arrays.fill(many, leaf);
        assertThat(p.check(many, Instant.now())).isPresent();
    }
}

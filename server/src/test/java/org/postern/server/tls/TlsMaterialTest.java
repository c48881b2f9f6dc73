package org.postern.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.MasterKeyRing;

class TlsMaterialTest {
    private static final Instant NOW = Instant.parse("2026-11-02T10:00:00Z");

    @TempDir
    Path tmp;
    Path dataDir;
    MasterKeyRing ring;

    @BeforeEach
    void setUp() {
        dataDir = tmp.resolve("data");
        ring = MasterKeyRing.loadOrCreate(dataDir.resolve("keys/master.keys"));
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private TlsMaterial selfSigned(String hostname, Instant now) {
        return TlsMaterial.selfSigned(dataDir, hostname, ring, at(now));
    }

    @Test
    void theFirstRunGeneratesAnEcP256CertificateForTheHostname() throws Exception {
        TlsMaterial tls = selfSigned("mail.example.org", NOW);

        X509Certificate cert = tls.certificate();
        assertThat(tls.selfSigned()).isTrue();
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().toString()).contains("secp256r1");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=mail.example.org");
        assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(GeneralName.dNSName, "mail.example.org"), List.of(GeneralName.dNSName, "localhost"),
                List.of(GeneralName.iPAddress, "127.0.0.1"), List.of(GeneralName.iPAddress, "0:0:0:0:0:0:0:1"));
        assertThat(Duration.between(NOW, cert.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(365));
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(tls.fingerprintSha256()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(Files.readString(TlsMaterial.certificateFile(dataDir))).startsWith("-----BEGIN CERTIFICATE-----\n")
                .isEqualTo(tls.certificatePem());
    }

    @Test
    void thePrivateKeyIsOnlyOnDiskSealed() throws Exception {
        selfSigned("mail.example.org", NOW);

        Path keyFile = TlsMaterial.sealedKeyFile(dataDir);
        byte[] onDisk = Files.readAllBytes(keyFile);
        byte[] pkcs8 = ring.unseal(TlsMaterial.SEALED_KEY_PURPOSE, onDisk);

        assertThat(pkcs8).hasSizeGreaterThan(60);
        assertThat(indexOf(onDisk, pkcs8)).isEqualTo(-1);
        assertThat(indexOf(onDisk, Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length))).isEqualTo(-1);
        assertThat(new String(onDisk, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(keyFile.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.walk(dataDir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).as(p.toString())
                        .doesNotContain("PRIVATE KEY");
            }
        }
    }

    @Test
    void aLaterRunLoadsTheSameCertificate() {
        TlsMaterial first = selfSigned("mail.example.org", NOW);
        TlsMaterial second = selfSigned("mail.example.org", NOW.plus(Duration.ofDays(100)));

        assertThat(second.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
    }

    @Test
    void aChangedHostnameRegeneratesTheCertificate() {
        TlsMaterial first = selfSigned("mail.example.org", NOW);
        TlsMaterial second = selfSigned("mx.example.net", NOW);

        assertThat(second.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        assertThat(TlsMaterial.dnsNames(second.certificate())).contains("mx.example.net").doesNotContain("mail.example.org");
        assertThat(selfSigned("mx.example.net", NOW).fingerprintSha256()).isEqualTo(second.fingerprintSha256());
    }

    @Test
    void aCertificateExpiringWithinThirtyDaysIsRegenerated() {
        TlsMaterial first = selfSigned("mail.example.org", NOW);

        assertThat(selfSigned("mail.example.org", NOW.plus(Duration.ofDays(330))).fingerprintSha256())
                .isEqualTo(first.fingerprintSha256());
        TlsMaterial renewed = selfSigned("mail.example.org", NOW.plus(Duration.ofDays(340)));
        assertThat(renewed.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        assertThat(renewed.certificate().getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(340 + 365)));
    }

    @Test
    void aMissingHalfOfThePairIsRegenerated() throws IOException {
        TlsMaterial first = selfSigned("mail.example.org", NOW);
        Files.delete(TlsMaterial.certificateFile(dataDir));

        TlsMaterial second = selfSigned("mail.example.org", NOW);

        assertThat(second.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        assertThat(TlsMaterial.certificateFile(dataDir)).exists();
    }

    @Test
    void aTamperedSealedKeyRefusesToStart() throws IOException {
        selfSigned("mail.example.org", NOW);
        Path keyFile = TlsMaterial.sealedKeyFile(dataDir);
        byte[] sealed = Files.readAllBytes(keyFile);
        sealed[sealed.length - 5] ^= 1;
        Files.write(keyFile, sealed);

        assertThatThrownBy(() -> selfSigned("mail.example.org", NOW))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("key.sealed").hasMessageContaining("cannot be unsealed");
    }

    @Test
    void aKeySealedUnderAnotherMasterKeyRefusesToStart() {
        selfSigned("mail.example.org", NOW);
        MasterKeyRing stranger = MasterKeyRing.loadOrCreate(tmp.resolve("other/master.keys"));

        assertThatThrownBy(() -> TlsMaterial.selfSigned(dataDir, "mail.example.org", stranger, at(NOW)))
                .isInstanceOf(KeyFileException.class);
    }

    @Test
    void aGroupReadableSealedKeyIsRefused() throws IOException {
        selfSigned("mail.example.org", NOW);
        Files.setPosixFilePermissions(TlsMaterial.sealedKeyFile(dataDir), PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> selfSigned("mail.example.org", NOW)).isInstanceOf(KeyFileException.class);
    }

    @Test
    void resealingMovesTheKeyUnderTheNewMasterKey() throws IOException {
        TlsMaterial first = selfSigned("mail.example.org", NOW);
        MasterKeyRing rotated = ring.withNewActiveKey();

        TlsMaterial.reseal(dataDir, ring, rotated);

        byte[] sealed = Files.readAllBytes(TlsMaterial.sealedKeyFile(dataDir));
        assertThat(MasterKeyRing.sealedKeyId(sealed)).isEqualTo(rotated.activeKeyId()).isNotEqualTo(ring.activeKeyId());
        MasterKeyRing onlyNew = rotated.withoutKey(ring.activeKeyId());
        assertThat(TlsMaterial.selfSigned(dataDir, "mail.example.org", onlyNew, at(NOW)).fingerprintSha256())
                .isEqualTo(first.fingerprintSha256());
    }

    @Test
    void resealingWithoutAGeneratedKeyDoesNothing() {
        TlsMaterial.reseal(dataDir, ring, ring.withNewActiveKey());

        assertThat(TlsMaterial.sealedKeyFile(dataDir)).doesNotExist();
    }

    @Test
    void theContextOffersOnlyTls13AndTls12WithEcdheAeadSuites() throws IOException {
        TlsMaterial tls = selfSigned("mail.example.org", NOW);

        SSLEngine engine = tls.sslContext().createSSLEngine();
        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(engine.getEnabledCipherSuites()).containsExactlyElementsOf(tls.enabledCipherSuites());
        assertThat(tls.enabledCipherSuites()).isNotEmpty().allSatisfy(suite -> assertThat(suite)
                .matches("TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256|ECDHE_(ECDSA|RSA)_WITH_.*(GCM|POLY1305).*)"));
        try (SSLServerSocket server = (SSLServerSocket) tls.sslContext().getServerSocketFactory().createServerSocket(0)) {
            assertThat(server.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
            assertThat(server.getEnabledCipherSuites()).doesNotContain("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
        }
        assertThat(tls.sslParameters().getUseCipherSuitesOrder()).isTrue();
        assertThat(tls.toString()).contains("self-signed").contains(tls.fingerprintSha256());
    }

    // ---- operator-supplied PEM files -----------------------------------------------------------

    @Test
    void operatorPemFilesInPkcs8FormLoad() throws Exception {
        KeyPair pair = ecKeyPair();
        X509Certificate cert = certificate(pair, "mail.example.org", "SHA256withECDSA", NOW.plus(Duration.ofDays(90)));
        Path certFile = writePem(tmp.resolve("cert.pem"), cert);
        Path keyFile = writePem(tmp.resolve("key.pem"), new JcaPKCS8Generator(pair.getPrivate(), null));

        TlsMaterial tls = TlsMaterial.fromPemFiles(certFile, keyFile, "mail.example.org", at(NOW));

        assertThat(tls.selfSigned()).isFalse();
        assertThat(tls.certificate()).isEqualTo(cert);
        assertThat(Files.readString(keyFile)).contains("BEGIN PRIVATE KEY");
        assertThat(TlsMaterial.sealedKeyFile(dataDir)).doesNotExist();
    }

    @Test
    void operatorFilesMadeByOpensslInTraditionalEcFormLoad() throws Exception {
        Path key = tmp.resolve("openssl-key.pem");
        Path traditional = tmp.resolve("openssl-ec.pem");
        Path cert = tmp.resolve("openssl-cert.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-subj", "/CN=mail.example.org", "-addext",
                "subjectAltName=DNS:mail.example.org", "-days", "90");
        openssl("ec", "-in", key.toString(), "-out", traditional.toString());
        Files.setPosixFilePermissions(traditional, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(traditional)).contains("BEGIN EC PRIVATE KEY");

        TlsMaterial fromTraditional = TlsMaterial.fromPemFiles(cert, traditional, "mail.example.org", Clock.systemUTC());
        TlsMaterial fromPkcs8 = TlsMaterial.fromPemFiles(cert, key, "mail.example.org", Clock.systemUTC());

        assertThat(fromTraditional.fingerprintSha256()).isEqualTo(fromPkcs8.fingerprintSha256());
    }

    @Test
    void operatorFilesWithATraditionalRsaKeyAndAChainLoad() throws Exception {
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(2048);
        KeyPair rsa = rsaGenerator.generateKeyPair();
        Path rsaKey = writePem(tmp.resolve("rsa.pem"), rsa.getPrivate());
        assertThat(Files.readString(rsaKey)).contains("BEGIN RSA PRIVATE KEY");
        KeyPair ca = ecKeyPair();
        X509Certificate intermediate = certificate(ca, "Example CA", "SHA256withECDSA", NOW.plus(Duration.ofDays(900)));
        X500Name caName = new X500Name("CN=Example CA");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(43),
                Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(90))),
                new X500Name("CN=mail.example.org"), rsa.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "mail.example.org")));
        X509Certificate leaf = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
        Path chain = tmp.resolve("chain.pem");
        Files.writeString(chain, Files.readString(writePem(tmp.resolve("leaf.pem"), leaf))
                + Files.readString(writePem(tmp.resolve("ca.pem"), intermediate)));

        TlsMaterial tls = TlsMaterial.fromPemFiles(chain, rsaKey, "mail.example.org", at(NOW));

        assertThat(tls.certificateChain()).containsExactly(leaf, intermediate);
        assertThat(tls.enabledCipherSuites()).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

        Path reversed = tmp.resolve("reversed.pem");
        Files.writeString(reversed, Files.readString(tmp.resolve("ca.pem")) + Files.readString(tmp.resolve("leaf.pem")));
        assertThatThrownBy(() -> TlsMaterial.fromPemFiles(reversed, rsaKey, "mail.example.org", at(NOW)))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("does not match the first certificate");
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    @Test
    void anOperatorKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        Path certFile = writePem(tmp.resolve("cert.pem"), certificate(ecKeyPair(), "mail.example.org", "SHA256withECDSA",
                NOW.plus(Duration.ofDays(90))));
        Path keyFile = writePem(tmp.resolve("key.pem"), new JcaPKCS8Generator(ecKeyPair().getPrivate(), null));

        assertThatThrownBy(() -> TlsMaterial.fromPemFiles(certFile, keyFile, "mail.example.org", at(NOW)))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("does not match");
    }

    @Test
    void anExpiredOperatorCertificateIsRefused() throws Exception {
        KeyPair pair = ecKeyPair();
        Path certFile = writePem(tmp.resolve("cert.pem"), certificate(pair, "mail.example.org", "SHA256withECDSA",
                NOW.minus(Duration.ofDays(1))));
        Path keyFile = writePem(tmp.resolve("key.pem"), new JcaPKCS8Generator(pair.getPrivate(), null));

        assertThatThrownBy(() -> TlsMaterial.fromPemFiles(certFile, keyFile, "mail.example.org", at(NOW)))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("expired");
    }

    @Test
    void anOperatorKeyReadableByOthersOrNotAKeyIsRefused() throws Exception {
        KeyPair pair = ecKeyPair();
        Path certFile = writePem(tmp.resolve("cert.pem"), certificate(pair, "mail.example.org", "SHA256withECDSA",
                NOW.plus(Duration.ofDays(90))));
        Path keyFile = writePem(tmp.resolve("key.pem"), new JcaPKCS8Generator(pair.getPrivate(), null));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TlsMaterial.fromPemFiles(certFile, keyFile, "mail.example.org", at(NOW)))
                .isInstanceOf(KeyFileException.class);

        Path notAKey = writePem(tmp.resolve("not-a-key.pem"), pair.getPublic());
        assertThatThrownBy(() -> TlsMaterial.fromPemFiles(certFile, notAKey, "mail.example.org", at(NOW)))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("no private key");

        Path notACert = writePem(tmp.resolve("not-a-cert.pem"), pair.getPublic());
        assertThatThrownBy(() -> TlsMaterial.fromPemFiles(notACert, keyFile, "mail.example.org", at(NOW)))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("tls_cert");
    }

    // ---- helpers -------------------------------------------------------------------------------

    static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static X509Certificate certificate(KeyPair pair, String host, String algorithm, Instant notAfter) throws Exception {
        X500Name name = new X500Name("CN=" + host);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(42),
                Date.from(NOW.minus(Duration.ofDays(30))), Date.from(notAfter), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate())));
    }

    static Path writePem(Path file, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        Files.writeString(file, text.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

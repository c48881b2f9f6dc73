package org.postern.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.model.IntegrityException;
import org.postern.server.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's certificate and private key, and the {@link SSLContext} every TLS listener uses.
 *
 * <p>With {@code tls_cert}/{@code tls_key} configured, the operator's PEM chain and key are loaded.
 * Otherwise a self-signed certificate for the configured host name is generated on first run: an
 * EC P-256 key, SHA256withECDSA, valid one year, with subject alternative names for the host name,
 * {@code localhost}, 127.0.0.1 and ::1. Its certificate is kept in {@code <data dir>/tls/cert.pem}
 * and its private key only sealed under the master key in {@code <data dir>/tls/key.sealed}; it is
 * regenerated when the host name changes or it expires within {@link #RENEW_BEFORE}.
 *
 * <p>The context offers only {@link TlsPolicy}'s protocols and suites, on every engine and socket
 * it creates. Every refusal is a {@link KeyFileException} naming the file or key.
 */
public final class TlsMaterial {
    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);

    /** The purpose the generated private key is sealed for (associated data of the sealing). */
    public static final String SEALED_KEY_PURPOSE = "tls-private-key";
    /** Directory under the data directory holding the generated material. */
    public static final String TLS_DIR = "tls";
    public static final String CERT_FILE = "cert.pem";
    public static final String SEALED_KEY_FILE = "key.sealed";
    /** How long a generated certificate is valid. */
    public static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(365);
    /** A generated certificate this close to expiry is replaced at start; an operator's one is warned about. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final int MAX_PEM_BYTES = 1024 * 1024;
    private static final int MAX_SEALED_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<X509Certificate> chain;
    private final boolean generated;
    private final SSLContext sslContext;
    private final List<String> cipherSuites;

    private TlsMaterial(List<X509Certificate> chain, PrivateKey key, boolean generated) {
        this.chain = List.copyOf(chain);
        this.generated = generated;
        SSLContext base = baseContext(chain, key);
        this.cipherSuites = TlsPolicy.cipherSuites(base);
        this.sslContext = RestrictedSslContext.wrap(base, () -> TlsPolicy.serverParameters(cipherSuites));
    }

    // ---- loading -----------------------------------------------------------------------------

    /** The operator's certificate if configured, else the generated self-signed one (created or renewed as needed). */
    public static TlsMaterial load(Config config, MasterKeyRing ring) {
        return load(config, ring, Clock.systemUTC());
    }

    /** As {@link #load(Config, MasterKeyRing)} at the time {@code clock} says. */
    public static TlsMaterial load(Config config, MasterKeyRing ring, Clock clock) {
        if (config.operatorTls()) {
            return fromPemFiles(config.tlsCert().orElseThrow(), config.tlsKey().orElseThrow(), config.hostname(), clock);
        }
        return selfSigned(config.dataDir(), config.hostname(), ring, clock);
    }

    /** Loads the generated certificate under {@code dataDir}, generating a new one when absent, stale or for another name. */
    public static TlsMaterial selfSigned(Path dataDir, String hostname, MasterKeyRing ring, Clock clock) {
        Path dir = dataDir.resolve(TLS_DIR);
        OwnerOnlyFiles.createPrivateDirectory(dir);
        Path certFile = certificateFile(dataDir);
        Path keyFile = sealedKeyFile(dataDir);
        boolean haveCert = Files.exists(certFile);
        boolean haveKey = Files.exists(keyFile);
        if (haveCert && haveKey) {
            Optional<TlsMaterial> existing = loadGenerated(certFile, keyFile, hostname, ring, clock);
            if (existing.isPresent()) {
                return existing.get();
            }
        } else if (haveCert || haveKey) {
            LOG.warn("event=tls.incomplete only one of {} and {} exists; generating a new certificate", CERT_FILE,
                    SEALED_KEY_FILE);
        }
        return generate(certFile, keyFile, hostname, ring, clock);
    }

    /**
     * Loads the operator's PEM certificate chain (server certificate first) and private key
     * (PKCS#8, or traditional EC/RSA; not encrypted).
     */
    public static TlsMaterial fromPemFiles(Path certFile, Path keyFile, String hostname, Clock clock) {
        List<X509Certificate> chain = readCertificates(certFile, "tls_cert");
        OwnerOnlyFiles.requireOwnerOnly(keyFile);
        PrivateKey key = readPemPrivateKey(keyFile);
        X509Certificate leaf = chain.getFirst();
        if (!matches(key, leaf.getPublicKey())) {
            throw new KeyFileException("tls_key " + keyFile + " does not match the first certificate in tls_cert " + certFile
                    + " (the chain must start with this server's certificate)");
        }
        Instant now = clock.instant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!now.isBefore(notAfter)) {
            throw new KeyFileException("tls_cert " + certFile + " expired on " + notAfter + "; renew it");
        }
        if (now.plus(RENEW_BEFORE).isAfter(notAfter)) {
            LOG.warn("event=tls.expiring tls_cert expires on {}; renew it", notAfter);
        }
        if (!dnsNames(leaf).contains(hostname)) {
            LOG.warn("event=tls.name_mismatch tls_cert does not name the configured hostname {}", hostname);
        }
        TlsMaterial material = new TlsMaterial(chain, key, false);
        LOG.info("event=tls.loaded source=operator sha256={} not_after={}", material.fingerprintSha256(), notAfter);
        return material;
    }

    /** Where the generated certificate is kept. */
    public static Path certificateFile(Path dataDir) {
        return dataDir.resolve(TLS_DIR).resolve(CERT_FILE);
    }

    /** Where the generated private key is kept, sealed under the master key. */
    public static Path sealedKeyFile(Path dataDir) {
        return dataDir.resolve(TLS_DIR).resolve(SEALED_KEY_FILE);
    }

    /**
     * Reseals the generated private key under {@code newRing}'s active key after a master key
     * rotation: unsealed with {@code oldRing}, sealed with {@code newRing}, written atomically.
     * Does nothing when there is no generated key.
     */
    public static void reseal(Path dataDir, MasterKeyRing oldRing, MasterKeyRing newRing) {
        Path keyFile = sealedKeyFile(dataDir);
        if (!Files.exists(keyFile)) {
            return;
        }
        byte[] sealed = readBounded(keyFile, MAX_SEALED_BYTES, "sealed TLS key");
        byte[] pkcs8;
        try {
            pkcs8 = oldRing.unseal(SEALED_KEY_PURPOSE, sealed);
        } catch (IntegrityException e) {
            throw new KeyFileException(keyFile + " cannot be unsealed with the old master key ring", e);
        }
        try {
            OwnerOnlyFiles.write(keyFile, newRing.seal(SEALED_KEY_PURPOSE, pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    // ---- what listeners use ------------------------------------------------------------------

    /** The server context; every engine and socket it creates is already limited to {@link #enabledProtocols()} and {@link #enabledCipherSuites()}. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** A fresh copy of the server parameters (protocols, suites, server preference order). */
    public SSLParameters sslParameters() {
        return TlsPolicy.serverParameters(cipherSuites);
    }

    /** TLS versions offered: TLSv1.3 and TLSv1.2. */
    public List<String> enabledProtocols() {
        return TlsPolicy.PROTOCOLS;
    }

    /** Cipher suites offered, most preferred first. */
    public List<String> enabledCipherSuites() {
        return cipherSuites;
    }

    /** The server's certificate. */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** The server's certificate followed by any intermediates. */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** True for the generated self-signed certificate, false for the operator's. */
    public boolean selfSigned() {
        return generated;
    }

    /** SHA-256 of the server certificate's DER encoding, as colon-separated upper-case hex. */
    public String fingerprintSha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The server certificate in PEM form (public; for clients to pin or trust). */
    public String certificatePem() {
        return pem(certificate());
    }

    @Override
    public String toString() {
        return "TlsMaterial[" + (generated ? "self-signed" : "operator") + ", sha256=" + fingerprintSha256() + "]";
    }

    // ---- generated certificate ---------------------------------------------------------------

    private static Optional<TlsMaterial> loadGenerated(Path certFile, Path keyFile, String hostname, MasterKeyRing ring,
            Clock clock) {
        OwnerOnlyFiles.requireOwnerOnly(keyFile);
        X509Certificate cert;
        try {
            cert = readCertificates(certFile, "generated certificate").getFirst();
        } catch (KeyFileException e) {
            LOG.warn("event=tls.unreadable {} cannot be parsed; generating a new certificate", CERT_FILE);
            return Optional.empty();
        }
        byte[] sealed = readBounded(keyFile, MAX_SEALED_BYTES, "sealed TLS key");
        byte[] pkcs8;
        try {
            pkcs8 = ring.unseal(SEALED_KEY_PURPOSE, sealed);
        } catch (IntegrityException e) {
            throw new KeyFileException(keyFile + " cannot be unsealed with the master key ring: it was altered or its master "
                    + "key is gone. Move " + TLS_DIR + "/" + SEALED_KEY_FILE + " and " + TLS_DIR + "/" + CERT_FILE
                    + " aside to generate a new certificate", e);
        }
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new KeyFileException(keyFile + " does not hold an EC private key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        Optional<String> reason = renewalReason(cert, key, hostname, clock.instant());
        if (reason.isPresent()) {
            LOG.info("event=tls.renew reason=\"{}\"; generating a new self-signed certificate", reason.get());
            return Optional.empty();
        }
        TlsMaterial material = new TlsMaterial(List.of(cert), key, true);
        LOG.info("event=tls.loaded source=self-signed hostname={} sha256={} not_after={}", hostname,
                material.fingerprintSha256(), cert.getNotAfter().toInstant());
        return Optional.of(material);
    }

    private static Optional<String> renewalReason(X509Certificate cert, PrivateKey key, String hostname, Instant now) {
        if (!dnsNames(cert).contains(hostname)) {
            return Optional.of("the hostname changed");
        }
        if (now.isBefore(cert.getNotBefore().toInstant())) {
            return Optional.of("the certificate is not valid yet");
        }
        if (now.plus(RENEW_BEFORE).isAfter(cert.getNotAfter().toInstant())) {
            return Optional.of("the certificate expires within " + RENEW_BEFORE.toDays() + " days");
        }
        if (!matches(key, cert.getPublicKey())) {
            return Optional.of("the certificate does not match the sealed key");
        }
        return Optional.empty();
    }

    private static TlsMaterial generate(Path certFile, Path keyFile, String hostname, MasterKeyRing ring, Clock clock) {
        KeyPair pair;
        X509Certificate cert;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            pair = generator.generateKeyPair();
            cert = selfSignedCertificate(pair, hostname, clock.instant());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate", e);
        }
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        try {
            // Key first: a crash before the certificate is written leaves a pair that does not
            // match, which the next start replaces.
            OwnerOnlyFiles.write(keyFile, ring.seal(SEALED_KEY_PURPOSE, pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        OwnerOnlyFiles.write(certFile, pem(cert).getBytes(StandardCharsets.US_ASCII));
        TlsMaterial material = new TlsMaterial(List.of(cert), pair.getPrivate(), true);
        LOG.info("event=tls.generated hostname={} sha256={} not_after={}", hostname, material.fingerprintSha256(),
                cert.getNotAfter().toInstant());
        return material;
    }

    private static X509Certificate selfSignedCertificate(KeyPair pair, String hostname, Instant now)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
        byte[] serialBytes = new byte[16];
        RANDOM.nextBytes(serialBytes);
        serialBytes[0] = (byte) ((serialBytes[0] & 0x7f) | 0x40); // positive, non-zero, 16 bytes
        BigInteger serial = new BigInteger(serialBytes);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), name, pair.getPublic());
        Set<String> names = new LinkedHashSet<>(List.of(hostname, "localhost"));
        List<GeneralName> sans = new ArrayList<>();
        for (String dns : names) {
            sans.add(new GeneralName(GeneralName.dNSName, dns));
        }
        sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        sans.add(new GeneralName(GeneralName.iPAddress, "::1"));
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static SSLContext baseContext(List<X509Certificate> chain, PrivateKey key) {
        try {
            char[] password = new char[32];
            for (int i = 0; i < password.length; i++) {
                password[i] = (char) ('a' + RANDOM.nextInt(26));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            try {
                store.setKeyEntry("postern", key, password, chain.toArray(Certificate[]::new));
            } catch (KeyStoreException e) {
                throw new KeyFileException("the certificate chain is not in order: each certificate must be issued by the "
                        + "one after it, starting with this server's certificate", e);
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, password);
            Arrays.fill(password, '\0');
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, RANDOM);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new KeyFileException("the TLS key and certificate cannot be used together (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    private static List<X509Certificate> readCertificates(Path file, String what) {
        byte[] bytes = readBounded(file, MAX_PEM_BYTES, what);
        Collection<? extends Certificate> certificates;
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (GeneralSecurityException | IOException e) {
            throw new KeyFileException(what + " " + file + " is not a PEM certificate chain", e);
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : certificates) {
            chain.add((X509Certificate) c);
        }
        if (chain.isEmpty()) {
            throw new KeyFileException(what + " " + file + " holds no certificate");
        }
        return chain;
    }

    private static PrivateKey readPemPrivateKey(Path file) {
        String text = new String(readBounded(file, MAX_PEM_BYTES, "tls_key"), StandardCharsets.US_ASCII);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    // Traditional "EC/RSA PRIVATE KEY"; the public half is optional in SEC 1, so ignore it.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                    throw new KeyFileException("tls_key " + file + " is encrypted; Postern needs an unencrypted key in a file "
                            + "readable by its owner only");
                }
                // EC PARAMETERS and other blocks are skipped.
            }
        } catch (IOException e) {
            throw new KeyFileException("tls_key " + file + " is not a PEM private key", e);
        }
        throw new KeyFileException("tls_key " + file + " holds no private key");
    }

    private static byte[] readBounded(Path file, int maxBytes, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new KeyFileException(what + " " + file + " is larger than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new KeyFileException(what + " " + file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Proves {@code key} belongs to {@code publicKey} by signing a random challenge. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "ED25519", "ED448", "EDDSA" -> "EdDSA";
            default -> throw new KeyFileException("tls_key uses an unsupported key algorithm " + key.getAlgorithm());
        };
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static Set<String> dnsNames(X509Certificate cert) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(GeneralName.dNSName).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        return names;
    }

    private static String pem(X509Certificate cert) {
        try {
            Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
            return "-----BEGIN CERTIFICATE-----\n" + encoder.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode certificate", e);
        }
    }
}

package org.postern.server.e2e;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Signs test messages with Debian's dkimpy (python3-dkim; python3-nacl for Ed25519), so that
 * the server's verifier is tested against someone else's signer.
 */
final class Dkimpy {
    private static final String SCRIPT = String.join("\n",
            "import sys, dkim",
            "selector, domain, algorithm, key = sys.argv[1:5]",
            "message = sys.stdin.buffer.read()",
            "signature = dkim.sign(message, selector.encode(), domain.encode(), key.strip().encode(),",
            "    canonicalize=(b'relaxed', b'relaxed'), signature_algorithm=algorithm.encode(),",
            "    include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])",
            "sys.stdout.buffer.write(signature + message)");

    private Dkimpy() {}

    /** A key pair in the forms dkimpy and the DNS record need. */
    record Key(String algorithm, String privateForPython, String publicRecord) {}

    static Key rsaKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return new Key("rsa-sha256", pem,
                "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()));
    }

    static Key ed25519Key() throws GeneralSecurityException {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] priv = kp.getPrivate().getEncoded();
        byte[] pub = kp.getPublic().getEncoded();
        // The last 32 bytes of the PKCS#8 and X.509 encodings are the raw seed and public key.
        return new Key("ed25519-sha256",
                Base64.getEncoder().encodeToString(Arrays.copyOfRange(priv, priv.length - 32, priv.length)),
                "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(
                        Arrays.copyOfRange(pub, pub.length - 32, pub.length)));
    }

    /** The message with a DKIM-Signature field (relaxed/relaxed) prepended. */
    static byte[] sign(byte[] message, Key key, String selector, String domain) {
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(60), message,
                List.of(ExternalTool.PYTHON, "-c", SCRIPT, selector, domain, key.algorithm(), key.privateForPython()));
        if (r.exitCode() != 0 || !r.out().startsWith("DKIM-Signature:")) {
            throw new AssertionError("dkimpy failed to sign (python3-dkim and python3-nacl installed?): " + r);
        }
        return r.out().getBytes(StandardCharsets.UTF_8);
    }
}

package org.postern.mta.checks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Signs test messages with Debian's dkimpy (python3-dkim, python3-nacl for Ed25519), the
 * reference implementation, so that our verifier is tested against someone else's signer.
 * Debian's interpreter is used explicitly: another python3 first on PATH may lack the modules.
 */
final class PythonDkim {
    static final String PYTHON = "/usr/bin/python3";
    // One long-lived interpreter (importing dkim takes most of a second): a request is a line of
    // base64 fields, the answer a line with the base64 signature field or "ERR".
    private static final String SCRIPT = String.join("\n",
            "import sys, base64, dkim",
            "for line in sys.stdin:",
            "    f = [base64.b64decode(x[2:]) for x in line.split()]",
            "    msg, sel, dom, key, alg, canon, length, ident, hdrs = f",
            "    hc, bc = canon.split(b'/')",
            "    try:",
            "        sig = dkim.sign(msg, sel, dom, key.strip(), identity=(ident or None),",
            "            canonicalize=(hc, bc), signature_algorithm=alg,",
            "            include_headers=hdrs.split(b':'), length=(length == b'1'))",
            "        out = base64.b64encode(sig).decode()",
            "    except Exception as e:",
            "        sys.stderr.write('dkimpy: %r\\n' % e)",
            "        out = 'ERR'",
            "    sys.stdout.write(out + '\\n')",
            "    sys.stdout.flush()");

    private static final PythonWorker SIGNER = new PythonWorker(SCRIPT);

    /** A DKIM key pair with the forms the signer and the DNS record need. */
    record Key(String algorithm, String privateForPython, String publicRecord) {}

    private PythonDkim() {}

    static Key rsaKey() throws NoSuchAlgorithmException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String p = Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
        return new Key("rsa-sha256", pem, "v=DKIM1; k=rsa; p=" + p);
    }

    static Key ed25519Key() throws NoSuchAlgorithmException {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] priv = kp.getPrivate().getEncoded();
        byte[] seed = Arrays.copyOfRange(priv, priv.length - 32, priv.length);
        byte[] pub = kp.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(pub, pub.length - 32, pub.length);
        return new Key("ed25519-sha256", Base64.getEncoder().encodeToString(seed),
                "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw));
    }

    /** The message with a DKIM-Signature field prepended. */
    static byte[] sign(byte[] message, Key key, String selector, String domain, String canon,
            boolean length, String identity) throws IOException {
        byte[] signature = SIGNER.call(List.of(message, utf8(selector), utf8(domain), utf8(key.privateForPython()),
                utf8(key.algorithm()), utf8(canon), utf8(length ? "1" : "0"), utf8(identity == null ? "" : identity),
                utf8("from:to:subject:date:message-id")));
        if (signature == null) {
            throw new IOException("dkimpy failed to sign (python3-dkim and python3-nacl installed?)");
        }
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.writeBytes(signature);
        signed.writeBytes(message);
        return signed.toByteArray();
    }

    private static byte[] utf8(String s) {
        return PythonWorker.utf8(s);
    }

    static byte[] sign(byte[] message, Key key, String selector, String domain) throws IOException {
        return sign(message, key, selector, domain, "relaxed/relaxed", false, null);
    }
}

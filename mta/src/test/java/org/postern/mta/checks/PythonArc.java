package org.postern.mta.checks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * Adds ARC sets to test messages with Debian's dkimpy (python3-dkim with python3-authres), the
 * reference implementation, as a mailing list or forwarder would: the message must already carry
 * the intermediary's own Authentication-Results field (with {@code arc=pass} from the second hop
 * on), which dkimpy copies into the ARC-Authentication-Results of the new set.
 */
public final class PythonArc {
    private static final String SCRIPT = String.join("\n",
            "import sys, base64, dkim",
            "for line in sys.stdin:",
            "    msg, sel, dom, key, srv = [base64.b64decode(x[2:]) for x in line.split()]",
            "    try:",
            "        fields = dkim.arc_sign(msg, sel, dom, key, srv,",
            "            include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])",
            "        out = base64.b64encode(b''.join(fields)).decode() if fields else 'ERR'",
            "    except Exception as e:",
            "        sys.stderr.write('dkimpy arc: %r\\n' % e)",
            "        out = 'ERR'",
            "    sys.stdout.write(out + '\\n')",
            "    sys.stdout.flush()");

    private static final PythonWorker SEALER = new PythonWorker(SCRIPT);

    /** An RSA sealing key: the PEM for dkimpy and the TXT record to publish at selector._domainkey.domain. */
    public record Key(String privatePem, String publicRecord) {}

    private PythonArc() {}

    public static Key rsaKey() throws NoSuchAlgorithmException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return new Key(pem, "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()));
    }

    /** The message with a new ARC set (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results) prepended. */
    public static byte[] seal(byte[] message, Key key, String selector, String domain, String authservId)
            throws IOException {
        byte[] set = SEALER.call(List.of(message, PythonWorker.utf8(selector), PythonWorker.utf8(domain),
                PythonWorker.utf8(key.privatePem()), PythonWorker.utf8(authservId)));
        if (set == null) {
            throw new IOException("dkimpy failed to add an ARC set (python3-dkim and python3-authres installed?)");
        }
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        sealed.writeBytes(set);
        sealed.writeBytes(message);
        return sealed.toByteArray();
    }
}

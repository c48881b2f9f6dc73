package org.postern.mta.checks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
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

    private static Process signer;
    private static BufferedWriter requests;
    private static BufferedReader answers;

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
    public static synchronized byte[] seal(byte[] message, Key key, String selector, String domain, String authservId)
            throws IOException {
        if (signer == null || !signer.isAlive()) {
            signer = new ProcessBuilder(List.of(PythonDkim.PYTHON, "-c", SCRIPT))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            requests = new BufferedWriter(new OutputStreamWriter(signer.getOutputStream(), StandardCharsets.US_ASCII));
            answers = new BufferedReader(new InputStreamReader(signer.getInputStream(), StandardCharsets.US_ASCII));
        }
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder line = new StringBuilder();
        for (byte[] f : List.of(message, utf8(selector), utf8(domain), utf8(key.privatePem()), utf8(authservId))) {
            line.append(" b:").append(b64.encodeToString(f));
        }
        requests.write(line.toString().strip());
        requests.newLine();
        requests.flush();
        String answer = answers.readLine();
        if (answer == null || answer.equals("ERR")) {
            throw new IOException("dkimpy failed to add an ARC set (python3-dkim and python3-authres installed?)");
        }
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        sealed.writeBytes(Base64.getDecoder().decode(answer));
        sealed.writeBytes(message);
        return sealed.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

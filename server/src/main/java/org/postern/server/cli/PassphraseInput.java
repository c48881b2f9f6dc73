package org.postern.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.postern.crypto.SecretStrength;
import org.postern.model.InvalidInputException;

/**
 * An operator's passphrase from standard input (for key backups): the first line, without its line
 * ending, decoded as UTF-8 into a char array the caller wipes. Never echoed, never printed.
 */
final class PassphraseInput {
    static final int MAX_BYTES = 1024;

    private PassphraseInput() {}

    static char[] read(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (buf.size() >= MAX_BYTES) {
                throw new InvalidInputException("the passphrase on standard input is longer than " + MAX_BYTES + " bytes");
            }
            buf.write(b);
        }
        byte[] bytes = buf.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, len));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            Arrays.fill(chars.array(), '\0');
            if (out.length == 0) {
                throw new InvalidInputException("no passphrase on standard input");
            }
            return out;
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("the passphrase on standard input is not valid UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Refuses a passphrase too weak to protect every key of the deployment: fewer than 16
     * characters, a well-known default, or too little variety.
     */
    static void requireStrong(char[] passphrase) {
        // SecretStrength works on Strings; this one copy lives until garbage-collected.
        Optional<String> problem = SecretStrength.problemWithPassphrase(new String(passphrase));
        if (problem.isPresent()) {
            throw new InvalidInputException("the backup passphrase " + problem.get()
                    + "; use at least 16 characters, for example several random words");
        }
    }
}

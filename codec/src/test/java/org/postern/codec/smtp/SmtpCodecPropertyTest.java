package org.postern.codec.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized property tests with fixed seeds, 100,000 cases each, over the same invariants as
 * {@link SmtpCodecFuzzTest}. They exist because Jazzer 0.24.0 cannot instrument Java 25 class
 * files, so its fuzzing mode here is not coverage-guided; these generators are biased towards
 * the bytes that matter (CR, LF, dot, NUL, brackets, quotes, UTF-8) instead.
 */
class SmtpCodecPropertyTest {
    private static final int CASES = 100_000;

    private static final String[] DATA_PIECES = {"a", "b", ".", ".", "\r", "\n", "\r\n", "\r\n", ".\r\n", "\0", "\u00e9", "..", "\r\n.\r\n"};

    @Test
    void dataReaderAgreesWithTheRfcReferenceOnRandomSections() {
        Random random = new Random(0x5EC_C0DEL);
        for (int i = 0; i < CASES; i++) {
            StringBuilder b = new StringBuilder();
            int pieces = random.nextInt(24);
            for (int p = 0; p < pieces; p++) {
                // The end marker is rare, so most sections test the long tail before it.
                String piece = DATA_PIECES[random.nextInt(DATA_PIECES.length - (random.nextInt(8) == 0 ? 0 : 1))];
                b.append(piece);
            }
            if (random.nextBoolean()) {
                b.append("\r\n.\r\n"); // so that half the sections have an end to find
            }
            byte[] wire = b.toString().getBytes(StandardCharsets.ISO_8859_1);
            CodecInvariants.checkDataReader(wire, random.nextInt(6), random.nextBoolean() ? 8 : 1L << 30);
        }
    }

    private static final String[] COMMANDS = {
        "EHLO mail.example.org", "HELO [192.0.2.1]", "EHLO [IPv6:2001:db8::1]",
        "MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME SMTPUTF8", "MAIL FROM:<>",
        "MAIL FROM: <\"quoted \\\" local\"@example.org>", "MAIL FROM:<@r1.example,@r2.example:u@d.example>",
        "MAIL FROM:<j\u00f6rg@b\u00fccher.example> SMTPUTF8", "RCPT TO:<\u7528\u6237@\u4f8b\u5b50.example>",
        "RCPT TO:<Postmaster>", "RCPT TO:<a@[IPv6:::ffff:192.0.2.1]> NOTIFY=NEVER", "MAIL FROM:<a@b.example> RET=HDRS ENVID=x",
        "DATA", "BDAT 100 LAST", "BDAT 0", "RSET", "NOOP x", "QUIT", "HELP", "VRFY x", "EXPN y", "STARTTLS",
        "AUTH PLAIN AGFsaWNlAHNlY3JldA==", "AUTH LOGIN", "RCPT TO:<x.y+tag@sub.example.org>",
    };
    private static final byte[] INTERESTING = " <>@\"\\:.,[]=-_aZ09+/\0\r\n\t\u007f".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void parserKeepsItsInvariantsOnMutatedCommands() {
        Random random = new Random(0xC0FFEEL);
        for (int i = 0; i < CASES; i++) {
            byte[] seed = COMMANDS[random.nextInt(COMMANDS.length)].getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            line.writeBytes(seed);
            int mutations = random.nextInt(5);
            byte[] current = seed;
            for (int m = 0; m < mutations; m++) {
                current = mutate(current, random);
            }
            CodecInvariants.checkParser(current);
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        int pos = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        byte value = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(4)) {
            case 0 -> { // insert
                out.write(in, 0, pos);
                out.write(value);
                out.write(in, pos, in.length - pos);
            }
            case 1 -> { // delete
                if (pos < in.length) {
                    out.write(in, 0, pos);
                    out.write(in, pos + 1, in.length - pos - 1);
                } else {
                    out.writeBytes(in);
                }
            }
            case 2 -> { // replace
                out.writeBytes(in);
                byte[] b = out.toByteArray();
                if (pos < b.length) {
                    b[pos] = value;
                }
                return b;
            }
            default -> { // duplicate a run
                int len = Math.min(random.nextInt(20), in.length - Math.min(pos, in.length));
                out.write(in, 0, pos);
                out.write(in, pos, len);
                out.write(in, pos, in.length - pos);
            }
        }
        return out.toByteArray();
    }

    private static final String[] LINE_PIECES = {"a", " ", "\r", "\n", "\r\n", "\r\n", "QUIT", "x".repeat(300)};

    @Test
    void lineReaderSplitsRandomStreamsAsTheReferenceDoes() {
        Random random = new Random(0x11E5L);
        for (int i = 0; i < CASES; i++) {
            StringBuilder b = new StringBuilder();
            int pieces = random.nextInt(12);
            for (int p = 0; p < pieces; p++) {
                b.append(LINE_PIECES[random.nextInt(LINE_PIECES.length)]);
            }
            CodecInvariants.checkLineReader(b.toString().getBytes(StandardCharsets.ISO_8859_1), random.nextInt(6));
        }
    }
}

package org.postern.codec.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomised property tests with fixed seeds over the same invariants as
 * {@link ImapCodecFuzzTest}. They exist because Jazzer 0.24.0 cannot instrument Java 25 class
 * files, so its fuzzing here is not coverage-guided; these generators are biased towards what
 * matters in IMAP instead: literals of every kind, CR and LF, quotes, parentheses, brackets,
 * wildcards, 8-bit text, and the commands real clients send.
 */
class ImapCodecPropertyTest {

    static final String[] COMMANDS = {
        "a001 CAPABILITY", "a NOOP", "a LOGOUT", "a STARTTLS", "a001 LOGIN SMITH SESAME", "a LOGIN {5}\r\nalice {6+}\r\nsecret",
        "a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==", "a ENABLE CONDSTORE QRESYNC UTF8=ACCEPT",
        "1 ID (\"name\" \"Thunderbird\" \"version\" \"115.3.1\")", "A142 SELECT INBOX", "a EXAMINE \"Entw&APw-rfe\"",
        "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:5 7:9)))", "a SELECT INBOX (CONDSTORE)",
        "t1 CREATE \"Important\" (USE (\\Flagged))", "a DELETE foo/bar", "a RENAME a b", "a SUBSCRIBE x", "a UNSUBSCRIBE x",
        "A101 LIST \"\" \"\"", "A202 LIST ~/Mail/ %", "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX %) RETURN (CHILDREN "
            + "SPECIAL-USE STATUS (MESSAGES UNSEEN))", "A002 LSUB \"#news.\" \"comp.mail.*\"", "a NAMESPACE",
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ SIZE)", "A003 APPEND saved-messages (\\Seen) "
            + "\"05-jul-1994 02:47:00 -0700\" {5}\r\nhello (\\Draft) ~{2+}\r\nab", "a IDLE", "a CHECK", "a CLOSE", "a UNSELECT",
        "a EXPUNGE", "A202 UID EXPUNGE 3000:3002", "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
        "a UID SEARCH RETURN (MIN MAX COUNT SAVE) CHARSET UTF-8 OR (FROM {3}\r\n\u00e9x SUBJECT x) NOT SEEN UID 1:*,$",
        "a SEARCH HEADER Message-ID <x@y> LARGER 100 MODSEQ \"/flags/\\\\draft\" all 5 YOUNGER 60 KEYWORD $Junk",
        "A285 SORT (SUBJECT REVERSE DATE) UTF-8 ALL", "a UID SORT RETURN (COUNT) (ARRIVAL) US-ASCII UNDELETED",
        "9 UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID "
            + "Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])",
        "a FETCH 2:4 (FLAGS BODY[1.2.MIME] BODY[TEXT]<0.2048> BINARY.PEEK[1]<0.100> BINARY.SIZE[2] ENVELOPE BODYSTRUCTURE)",
        "s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)", "a FETCH 1 FULL", "a FETCH *:4 FAST",
        "A003 STORE 2:4 +FLAGS (\\Deleted)", "d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) -FLAGS.SILENT \\Seen $Junk",
        "A003 COPY 2:4 MEETING", "a UID MOVE 42:69 foo", "G1 GETQUOTAROOT INBOX", "G2 GETQUOTA \"\"",
    };
    private static final byte[] INTERESTING = " ()[]<>{}+-~*%$:,.\\\"\r\n\0\t\u00e9&'0123456789aZ"
            .getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void parserKeepsItsInvariantsOnMutatedCommands() {
        Random random = new Random(0x1AA9L);
        for (int i = 0; i < 100_000; i++) {
            byte[] current = COMMANDS[random.nextInt(COMMANDS.length)].getBytes(StandardCharsets.UTF_8);
            int mutations = random.nextInt(5);
            for (int m = 0; m < mutations; m++) {
                current = mutate(current, random);
            }
            ImapCodecInvariants.checkParser(current);
        }
    }

    private static final String[] STREAM_PIECES = {
        "a NOOP\r\n", "b LOGIN {5}\r\nalice x\r\n", "c APPEND INBOX {3+}\r\nabc\r\n", "d APPEND INBOX (\\Seen) {2}\r\nde {1+}\r\nf\r\n",
        "e SEARCH CHARSET UTF-8 TEXT {4+}\r\n\u00e9\u00e9\r\n", "f FETCH 1:* (FLAGS)\r\n", "g LOGIN {100000+}\r\n", "\n", "\r", "\r\n",
        "{", "}", "{5}", "{3+}", "{2-}", "~{2}", "x".repeat(1500), "h APPEND {5}\r\nINBOX {1}\r\nz\r\n", "i SELECT \"a\r\nb\"\r\n",
        "j IDLE\r\n", "DONE\r\n", "(", "\"", "k STATUS INBOX (MESSAGES)\r\n", "GET / HTTP/1.1\r\n", "l APPEND INBOX {200+}\r\n",
    };

    @Test
    void readerStaysInStepOnRandomStreams() {
        Random random = new Random(0x57EAL);
        for (int i = 0; i < 20_000; i++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int pieces = random.nextInt(10);
            for (int p = 0; p < pieces; p++) {
                b.writeBytes(STREAM_PIECES[random.nextInt(STREAM_PIECES.length)].getBytes(StandardCharsets.UTF_8));
            }
            byte[] wire = b.toByteArray();
            if (random.nextInt(4) == 0 && wire.length > 0) {
                wire = mutate(wire, random);
            }
            ImapCodecInvariants.checkReader(wire, random.nextInt(6), random.nextInt(256));
        }
    }

    @Test
    void readerAgreesWithTheLineReferenceOnLiteralFreeStreams() {
        Random random = new Random(0x11E5L);
        String[] pieces = {"a", " ", "\r", "\n", "\r\n", "\r\n", "a NOOP", "b SELECT INBOX", "c FETCH 1 FLAGS", "(", "\"",
            "x".repeat(3000)};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(12);
            for (int p = 0; p < n; p++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            ImapCodecInvariants.checkReader(b.toString().getBytes(StandardCharsets.ISO_8859_1), random.nextInt(6), 0);
        }
    }

    @Test
    void mailboxNamesDecodeStrictlyAndRoundTrip() {
        Random random = new Random(0x7E57L);
        String[] pieces = {"&", "-", "&-", "A", "AOk", "2D3eAA", "U,BTFw", ",", "/", "+", "a", " ", "\u00e9", "INBOX", "\0", "~"};
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(8);
            for (int p = 0; p < n; p++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            ImapCodecInvariants.checkMailboxName(b.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void listPatternsAgreeWithBacktracking() {
        Random random = new Random(0x9A77L);
        char[] pattern = {'a', 'b', '/', '*', '%', 'I', 'n'};
        char[] name = {'a', 'b', '/', 'I', 'n'};
        for (int i = 0; i < 100_000; i++) {
            ImapCodecInvariants.checkListPattern(random(random, pattern, 8), random(random, name, 10));
        }
    }

    @Test
    void responseValuesKeepTheFraming() {
        Random random = new Random(0xF4A3L);
        String[] pieces = {"a", " ", "\"", "\\", "\r", "\n", "\r\n", "{5}", "\u00e9", "\0", ")", "x".repeat(700)};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(6);
            for (int p = 0; p < n; p++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] raw = b.toString().getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(4) == 0 && raw.length > 0) {
                raw[random.nextInt(raw.length)] = (byte) random.nextInt(256);
            }
            ImapCodecInvariants.checkResponseString(raw, random.nextBoolean());
        }
    }

    private static String random(Random random, char[] alphabet, int max) {
        int n = random.nextInt(max + 1);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < n; k++) {
            b.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    static byte[] mutate(byte[] in, Random random) {
        int pos = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        byte value = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(4)) {
            case 0 -> {
                out.write(in, 0, pos);
                out.write(value);
                out.write(in, pos, in.length - pos);
            }
            case 1 -> {
                if (pos < in.length) {
                    out.write(in, 0, pos);
                    out.write(in, pos + 1, in.length - pos - 1);
                } else {
                    out.writeBytes(in);
                }
            }
            case 2 -> {
                out.writeBytes(in);
                byte[] b = out.toByteArray();
                if (pos < b.length) {
                    b[pos] = value;
                }
                return b;
            }
            default -> {
                int len = Math.min(random.nextInt(20), in.length - Math.min(pos, in.length));
                out.write(in, 0, pos);
                out.write(in, pos, len);
                out.write(in, pos, in.length - pos);
            }
        }
        return out.toByteArray();
    }
}

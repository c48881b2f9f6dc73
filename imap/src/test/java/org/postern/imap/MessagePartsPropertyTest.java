package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postern.codec.imap.FetchAttribute;
import org.postern.codec.imap.ImapResponse;
import org.postern.codec.imap.ImapResponseWriter;
import org.postern.codec.imap.ImapValue;

/**
 * BODYSTRUCTURE, BODY, ENVELOPE and body sections over malformed MIME: a fixed-seed randomised
 * property test (mutated nested multiparts, message/rfc822, broken boundaries and headers,
 * truncation, deep nesting). Whatever the input, nothing throws, the answer is bounded in time,
 * and the FETCH response it makes is one well-framed line of balanced parentheses.
 */
class MessagePartsPropertyTest {
    private static final String[] SEEDS = {
        "From: a@b.test\r\nTo: \"x\" <c@d.test>, e@f.test\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "hello=20world\r\n--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n"
                + "Content-Type: multipart/alternative; boundary=b2\r\n\r\n--b2\r\nContent-Type: text/html\r\n\r\n"
                + "<p>x</p>\r\n--b2--\r\n--b1\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "JVBERi0=\r\n--b1--\r\nepilogue\r\n",
        "Subject: no body",
        "Content-Type: multipart/mixed\r\n\r\n--\r\n--\r\n",
        "Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: text/plain\r\n\r\nx",
        "From: <<<@@@>>>\r\nDate: not a date\r\nContent-Type: text/plain; charset\r\n\r\n\0\0\r\n",
    };
    private static final String[] FRAGMENTS = {
        "\r\n", "\r\n\r\n", "--b1", "--b1--", "--b2", ";", "\"", "=?", "?=", "Content-Type: multipart/mixed; boundary=b1\r\n",
        "Content-Type: message/rfc822\r\n", "Content-Type: text/plain; name*0=\"a\"; name*1=\"b\"\r\n",
        "Content-Disposition: inline; filename=\r\n", " folded\r\n", ":", "(", ")", "{5}", "\\", "\n", "\r", "\u00e9",
        "Content-Transfer-Encoding: base64\r\n", "From: \"(\" <a@b>\r\n",
    };

    @Test
    void malformedMimeNeverBreaksTheStructureOrTheResponse() throws IOException {
        Random random = new Random(20261123L);
        for (int round = 0; round < 3000; round++) {
            byte[] raw = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
            check(raw, random);
        }
    }

    @Test
    void deepNestingIsCutAtTheDepthLimit() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            b.append("Content-Type: multipart/mixed; boundary=\"d").append(i).append("\"\r\n\r\n--d").append(i)
                    .append("\r\n");
        }
        long start = System.nanoTime();
        check(b.toString().getBytes(StandardCharsets.UTF_8), new Random(1));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(5000);
    }

    private static byte[] mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + random.nextInt(8);
        for (int i = 0; i < edits; i++) {
            int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> s.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 1 -> s.delete(at, Math.min(s.length(), at + random.nextInt(20)));
                case 2 -> s.setLength(Math.min(s.length(), at));
                default -> s.insert(at, (char) random.nextInt(256));
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void check(byte[] raw, Random random) throws IOException {
        MessageParts parts = MessageParts.parse(raw);
        List<ImapValue> pairs = new ArrayList<>(List.of(new ImapValue.Atom("BODYSTRUCTURE"), parts.bodyStructure(true),
                new ImapValue.Atom("BODY"), parts.bodyStructure(false), new ImapValue.Atom("ENVELOPE"),
                parts.envelope()));
        for (FetchAttribute.SectionText text : FetchAttribute.SectionText.values()) {
            List<Integer> part = random.nextBoolean() ? List.of() : List.of(1 + random.nextInt(3));
            if (part.isEmpty() && text == FetchAttribute.SectionText.MIME) {
                continue; // MIME needs a part number
            }
            List<String> fields = text == FetchAttribute.SectionText.HEADER_FIELDS
                    || text == FetchAttribute.SectionText.HEADER_FIELDS_NOT ? List.of("Subject") : List.of();
            byte[] octets = parts.section(new FetchAttribute.Section(part, text, fields)).orElse(new byte[0]);
            assertThat(octets.length).isLessThanOrEqualTo(raw.length + 2);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapResponseWriter writer = new ImapResponseWriter(out);
        writer.write(ImapResponse.fetch(1, pairs));
        writer.flush();
        assertFramed(out.toByteArray());
    }

    /** One response: balanced parentheses outside strings and literals, a single CRLF at the end. */
    private static void assertFramed(byte[] wire) {
        int depth = 0;
        int i = 0;
        while (i < wire.length) {
            byte c = wire[i];
            if (c == '"') {
                i++;
                while (wire[i] != '"') {
                    assertThat(wire[i]).as("no line end inside a quoted string").isNotIn((byte) '\r', (byte) '\n');
                    i += wire[i] == '\\' ? 2 : 1;
                }
            } else if (c == '{') {
                int close = i;
                while (wire[close] != '}') {
                    close++;
                }
                int size = Integer.parseInt(new String(wire, i + 1, close - i - 1, StandardCharsets.US_ASCII));
                assertThat(wire[close + 1]).isEqualTo((byte) '\r');
                i = close + 2 + size;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                assertThat(depth).isNotNegative();
            } else if (c == '\r') {
                assertThat(i).as("the only CRLF ends the response").isEqualTo(wire.length - 2);
            }
            i++;
        }
        assertThat(depth).isZero();
    }
}

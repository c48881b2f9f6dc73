package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postern.codec.imap.ImapResponse;
import org.postern.codec.imap.ImapResponseWriter;
import org.postern.codec.imap.ImapValue;
import org.postern.mail.mailbox.EnvelopeFields;
import org.postern.mail.message.MessageSummary;
import org.postern.mail.message.SummaryParser;

/**
 * The stored summary stands in for the message (ENVELOPE, header SEARCH) only where it reads the
 * same: for well-formed and randomly broken messages, whenever {@link SummaryHeaders#of} accepts a
 * summary, every envelope field and the ENVELOPE it builds equal what parsing the raw message gives.
 */
class SummaryHeadersTest {
    private static final String[] MESSAGES = {
        "Date: Mon, 23 Nov 2026 08:00:00 +0000\r\nFrom: \"Ann Example\" <ann@a.test>\r\nTo: b@b.test, \"C, D\" <c@c.test>\r\n"
                + "Cc: undisclosed:;\r\nSubject: =?UTF-8?Q?caf=C3=A9?= and\r\n folded\r\n\tagain\r\nMessage-ID: <x@a.test>\r\n"
                + "In-Reply-To: <y@a.test>\r\nReply-To: r@a.test\r\nSender: s@a.test\r\n\r\nbody\r\n",
        "From: a@b.test\nSubject: bare LF\nTo: group: m@n.test, o@p.test;\n\nbody\n",
        "Subject: no body",
        "Subject:\r\nFrom:   \r\n\r\n",
        "X-Other: 1\r\nsubject: lower case\r\nFROM: upper@case.test\r\nSubject: second\r\n\r\nx",
        "Subject: caf\u00e9 raw 8-bit\r\nFrom: a@b.test\r\n\r\nx",
        "Content-Type: multipart/mixed; boundary=b\r\nSubject: multi\r\n\r\n--b\r\nSubject: inner\r\n\r\nx\r\n--b--\r\n",
    };
    private static final String[] FRAGMENTS = {"\r\n", "\n", "\r", " ", "\t", ":", "Subject: ", "From: ", "=?", "?=",
        "\u00e9", "\0", "<", ">", ",", "\"", "(", ")", "\r\n\r\n", "To: x@y.test\r\n"};
    private static final List<String> FIELDS = List.of("Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
            "In-Reply-To", "Message-ID");

    @Test
    void anAcceptedSummaryReadsAsTheMessageDoes() throws IOException {
        for (String m : MESSAGES) {
            check(m.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(summaryOf(MESSAGES[0])).isPresent();
        assertThat(summaryOf(MESSAGES[0]).get().get("Subject")).isEqualTo("=?UTF-8?Q?caf=C3=A9?= and folded\tagain");
        assertThat(summaryOf(MESSAGES[4]).get().get("Subject")).as("the first of two").isEqualTo("lower case");
    }

    @Test
    void eightBitHeadersAreReadFromTheMessage() throws IOException {
        assertThat(summaryOf(MESSAGES[5])).isEmpty();
    }

    @Test
    void brokenMessagesNeverGetADifferentAnswer() throws IOException {
        Random random = new Random(20261123L);
        int accepted = 0;
        for (int round = 0; round < 3000; round++) {
            StringBuilder s = new StringBuilder(MESSAGES[random.nextInt(MESSAGES.length)]);
            int edits = 1 + random.nextInt(6);
            for (int i = 0; i < edits; i++) {
                int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                    case 1 -> s.delete(at, Math.min(s.length(), at + random.nextInt(10)));
                    default -> s.insert(at, (char) random.nextInt(128));
                }
            }
            if (check(s.toString().getBytes(StandardCharsets.UTF_8))) {
                accepted++;
            }
        }
        assertThat(accepted).as("most summaries stand in").isGreaterThan(1000);
    }

    private static Optional<SummaryHeaders> summaryOf(String raw) throws IOException {
        return SummaryHeaders.of(EnvelopeFields.of(parse(raw.getBytes(StandardCharsets.UTF_8))));
    }

    private static MessageSummary parse(byte[] raw) throws IOException {
        return new SummaryParser(SummaryParser.Limits.DEFAULT).parse(new ByteArrayInputStream(raw));
    }

    /** @return whether the summary was accepted (and then agreed with the message) */
    private static boolean check(byte[] raw) throws IOException {
        Optional<SummaryHeaders> headers = SummaryHeaders.of(EnvelopeFields.of(parse(raw)));
        if (headers.isEmpty()) {
            return false;
        }
        MessageParts parts = MessageParts.parse(raw);
        String shown = new String(raw, StandardCharsets.UTF_8);
        for (String field : FIELDS) {
            assertThat(headers.get().get(field)).as(field + " of " + shown).isEqualTo(parts.header(parts.root(), field));
        }
        assertThat(wire(headers.get().envelope())).as("ENVELOPE of " + shown).isEqualTo(wire(parts.envelope()));
        return true;
    }

    private static String wire(ImapValue envelope) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapResponseWriter writer = new ImapResponseWriter(out);
        writer.write(ImapResponse.fetch(1, List.of(new ImapValue.Atom("ENVELOPE"), envelope)));
        writer.flush();
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}

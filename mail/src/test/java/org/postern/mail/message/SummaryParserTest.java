package org.postern.mail.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SummaryParserTest {
    private final SummaryParser parser = new SummaryParser(SummaryParser.Limits.DEFAULT);

    private MessageSummary parse(String raw) throws IOException {
        return parser.parse(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void envelopeHeadersAreKeptRawAndUnfolded() throws IOException {
        MessageSummary s = parse("Subject: =?utf-8?q?caf=C3=A9?=\r\n long line\r\nFrom: a@b.example\r\n"
                + "To: x@y.example,\r\n\tz@y.example\r\n\r\nbody\r\n");
        assertThat(s.subject()).isEqualTo("=?utf-8?q?caf=C3=A9?= long line");
        assertThat(s.to()).isEqualTo("x@y.example,\tz@y.example");
        assertThat(s.parts()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEmpty();
            assertThat(p.mimeType()).isEqualTo("text/plain");
            assertThat(p.bytes()).isEqualTo(6);
        });
        assertThat(s.malformed()).isFalse();
    }

    @Test
    void nestedMultipartsAreNumberedAsImapDoes() throws IOException {
        MessageSummary s = parse("Content-Type: multipart/mixed; boundary=o\r\n\r\n"
                + "--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n"
                + "--i\r\nContent-Type: text/plain\r\n\r\nplain\r\n--i\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n--i--\r\n"
                + "--o\r\nContent-Type: image/png; name=\"pic.png\"\r\n\r\nPNG\r\n--o--\r\n");
        assertThat(s.parts()).extracting(MessageSummary.Part::path).containsExactly("1.1", "1.2", "2");
        assertThat(s.parts()).extracting(MessageSummary.Part::mimeType).containsExactly("text/plain", "text/html", "image/png");
        assertThat(s.parts().get(2).filename()).isEqualTo("pic.png");
        assertThat(s.hasAttachments()).isTrue();
    }

    @Test
    void encodedAttachmentNamesAreDecoded() throws IOException {
        MessageSummary s = parse("Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
                + "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\r\n\r\nx\r\n--o--\r\n");
        assertThat(s.parts()).singleElement().satisfies(p -> {
            assertThat(p.disposition()).isEqualTo("attachment");
            assertThat(p.filename()).isEqualTo("résumé.pdf");
        });
    }

    @Test
    void aHeaderLineBeyondTheLimitMarksTheSummaryMalformedWithoutFailing() throws IOException {
        SummaryParser strict = new SummaryParser(new SummaryParser.Limits(1_000, 1_000, 10, 10, 100));
        MessageSummary s = strict.parse(new ByteArrayInputStream(
                ("Subject: " + "x".repeat(5_000) + "\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII)));
        assertThat(s.malformed()).isTrue();
    }

    @Test
    void tooManyPartsAreCountedOnlyUpToTheLimit() throws IOException {
        SummaryParser strict = new SummaryParser(new SummaryParser.Limits(1_000, 1_000, 100, 3, 100));
        StringBuilder m = new StringBuilder("Content-Type: multipart/mixed; boundary=o\r\n\r\n");
        for (int i = 0; i < 10; i++) {
            m.append("--o\r\n\r\npart ").append(i).append("\r\n");
        }
        m.append("--o--\r\n");
        MessageSummary s = strict.parse(new ByteArrayInputStream(m.toString().getBytes(StandardCharsets.US_ASCII)));
        assertThat(s.parts()).hasSize(3);
        assertThat(s.malformed()).isTrue();
    }

    @Test
    void emptyInputGivesAnEmptySummary() throws IOException {
        MessageSummary s = parse("");
        assertThat(s.subject()).isNull();
    }
}

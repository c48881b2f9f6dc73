package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.codec.smtp.TestStreams.bytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BdatReaderTest {
    private static final SmtpLimits LIMITS = SmtpLimits.defaults();

    @Test
    void exactlyTheAnnouncedOctetsAreReadAndTheNextCommandFollows() throws IOException {
        // Binary content, including what would end a DATA section, is just data here.
        SmtpInput input = new SmtpInput(TestStreams.whole("BDAT 9 LAST\r\nab\r\n.\r\n\0\u00ffQUIT\r\n"), LIMITS);
        SmtpLineReader lines = new SmtpLineReader(input, LIMITS);
        SmtpCommand cmd = ((ParseResult.Parsed) new SmtpCommandParser(LIMITS).parse((LineResult.Line) lines.readLine())).command();
        assertThat(cmd).isEqualTo(new SmtpCommand.Bdat(9, true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BdatOutcome outcome = new BdatReader(input, LIMITS).read(9, true, out);
        assertThat(outcome).isEqualTo(new BdatOutcome.Accepted(9, 9, true, false));
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("ab\r\n.\r\n\0\u00ff");
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("QUIT")));
    }

    @Test
    void chunksAccumulateAcrossCommandsAndSplitInput() throws IOException {
        SmtpInput input = new SmtpInput(TestStreams.slow("hello world"), LIMITS);
        BdatReader reader = new BdatReader(input, LIMITS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(reader.read(5, false, out)).isEqualTo(new BdatOutcome.Accepted(5, 5, false, false));
        assertThat(reader.read(0, false, out)).isEqualTo(new BdatOutcome.Accepted(0, 5, false, false));
        assertThat(reader.read(6, true, out)).isEqualTo(new BdatOutcome.Accepted(6, 11, true, false));
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
        assertThat(reader.totalBytes()).isEqualTo(11);
        assertThatThrownBy(() -> reader.read(1, true, out)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bareLineEndingsAreTrackedAcrossChunkBoundaries() throws IOException {
        SmtpInput input = new SmtpInput(TestStreams.whole("a\r" + "\nb\r\n" + "c\r" + "x"), LIMITS);
        BdatReader reader = new BdatReader(input, LIMITS);
        OutputStream out = OutputStream.nullOutputStream();
        assertThat(reader.read(2, false, out)).isEqualTo(new BdatOutcome.Accepted(2, 2, false, false));
        assertThat(reader.read(3, false, out)).isEqualTo(new BdatOutcome.Accepted(3, 5, false, false));
        assertThat(reader.read(2, false, out)).isEqualTo(new BdatOutcome.Accepted(2, 7, false, false));
        assertThat(reader.read(1, true, out)).isEqualTo(new BdatOutcome.Accepted(1, 8, true, true));
    }

    @Test
    void aBareLfOrATrailingCrIsFlagged() throws IOException {
        assertThat(new BdatReader(new SmtpInput(TestStreams.whole("a\nb"), LIMITS), LIMITS)
                .read(3, true, OutputStream.nullOutputStream())).isEqualTo(new BdatOutcome.Accepted(3, 3, true, true));
        assertThat(new BdatReader(new SmtpInput(TestStreams.whole("ab\r"), LIMITS), LIMITS)
                .read(3, true, OutputStream.nullOutputStream())).isEqualTo(new BdatOutcome.Accepted(3, 3, true, true));
    }

    @Test
    void aTransactionExactlyAtTheLimitIsAcceptedAndOneMoreOctetIsTooLarge() throws IOException {
        SmtpLimits ten = LIMITS.withMaxMessageBytes(10);
        BdatReader ok = new BdatReader(new SmtpInput(TestStreams.whole("0123456789"), ten), ten);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ok.read(4, false, out)).isInstanceOf(BdatOutcome.Accepted.class);
        assertThat(ok.read(6, true, out)).isEqualTo(new BdatOutcome.Accepted(6, 10, true, false));

        SmtpInput input = new SmtpInput(TestStreams.whole("0123456789X" + "more" + "QUIT\r\n"), ten);
        BdatReader over = new BdatReader(input, ten);
        ByteArrayOutputStream dropped = new ByteArrayOutputStream();
        assertThat(over.read(4, false, dropped)).isInstanceOf(BdatOutcome.Accepted.class);
        assertThat(over.read(7, false, dropped)).isEqualTo(new BdatOutcome.TooLarge(10));
        assertThat(((BdatOutcome.TooLarge) over.read(4, true, dropped)).reply()).isEqualTo(SmtpReply.MESSAGE_TOO_LARGE);
        assertThat(dropped.size()).isEqualTo(4);
        assertThat(new SmtpLineReader(input, ten).readLine()).isEqualTo(new LineResult.Line(bytes("QUIT")));
    }

    @Test
    void aChunkTooLargeToDiscardIsNotReadAndTheConnectionMustClose() throws IOException {
        SmtpLimits limits = LIMITS.withMaxMessageBytes(10).withMaxDiscardBytes(100);
        BdatReader reader = new BdatReader(new SmtpInput(TestStreams.whole("x".repeat(50)), limits), limits);
        assertThat(reader.read(999_999_999_999L, false, OutputStream.nullOutputStream()))
                .isEqualTo(new BdatOutcome.DiscardLimitExceeded(SmtpReply.MESSAGE_TOO_LARGE_CLOSING));
        assertThatThrownBy(() -> reader.read(1, false, OutputStream.nullOutputStream())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void endOfStreamInsideAChunkIsReported() throws IOException {
        BdatReader reader = new BdatReader(new SmtpInput(TestStreams.whole("short"), LIMITS), LIMITS);
        assertThat(reader.read(100, true, OutputStream.nullOutputStream())).isEqualTo(new BdatOutcome.EndOfStream());
    }

    @Test
    void aNegativeChunkIsAProgrammingError() {
        BdatReader reader = new BdatReader(new SmtpInput(TestStreams.whole(""), LIMITS), LIMITS);
        assertThatThrownBy(() -> reader.read(-1, true, OutputStream.nullOutputStream())).isInstanceOf(IllegalArgumentException.class);
    }
}

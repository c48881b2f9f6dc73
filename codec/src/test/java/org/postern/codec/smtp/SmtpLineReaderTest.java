package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.codec.smtp.TestStreams.bytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.junit.jupiter.api.Test;

class SmtpLineReaderTest {
    private static final SmtpLimits LIMITS = SmtpLimits.defaults().withMaxCommandLineBytes(512).withMaxAuthLineBytes(512);

    private static SmtpLineReader reader(InputStream in) {
        return new SmtpLineReader(new SmtpInput(in, LIMITS), LIMITS);
    }

    private static LineResult line(String s) {
        return new LineResult.Line(bytes(s));
    }

    @Test
    void aCrlfLineIsReturnedWithoutItsCrlf() throws IOException {
        SmtpLineReader r = reader(TestStreams.whole("EHLO client.example\r\n"));
        assertThat(r.readLine()).isEqualTo(line("EHLO client.example"));
        assertThat(r.readLine()).isEqualTo(new LineResult.EndOfStream(0));
    }

    @Test
    void anEmptyLineIsALine() throws IOException {
        assertThat(reader(TestStreams.whole("\r\n")).readLine()).isEqualTo(line(""));
    }

    @Test
    void pipelinedCommandsInOneSegmentComeOutOneByOne() throws IOException {
        SmtpInput in = new SmtpInput(TestStreams.whole("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"), LIMITS);
        SmtpLineReader r = new SmtpLineReader(in, LIMITS);
        assertThat(r.readLine()).isEqualTo(line("MAIL FROM:<a@b.example>"));
        assertThat(in.hasBufferedInput()).isTrue();
        assertThat(r.hasBufferedInput()).isTrue();
        assertThat(r.readLine()).isEqualTo(line("RCPT TO:<c@d.example>"));
        assertThat(r.readLine()).isEqualTo(line("DATA"));
        assertThat(in.hasBufferedInput()).isFalse();
        assertThat(r.hasBufferedInput()).isFalse();
        assertThat(r.readLine()).isInstanceOf(LineResult.EndOfStream.class);
    }

    @Test
    void aCommandFedOneByteAtATimeIsAssembled() throws IOException {
        SmtpInput in = new SmtpInput(TestStreams.slow("MAIL FROM:<a@b.example> SIZE=10\r\nQUIT\r\n"), LIMITS);
        SmtpLineReader r = new SmtpLineReader(in, LIMITS);
        assertThat(r.readLine()).isEqualTo(line("MAIL FROM:<a@b.example> SIZE=10"));
        assertThat(in.hasBufferedInput()).isFalse();
        assertThat(r.readLine()).isEqualTo(line("QUIT"));
    }

    @Test
    void aCommandInTwoPiecesIsAssembledWhereverTheSplitFalls() throws IOException {
        String command = "RCPT TO:<c@d.example>\r\n";
        for (int split = 0; split <= command.length(); split++) {
            SmtpLineReader r = reader(TestStreams.pieces(command.substring(0, split), command.substring(split)));
            assertThat(r.readLine()).as("split at %d", split).isEqualTo(line("RCPT TO:<c@d.example>"));
            assertThat(r.readLine()).isInstanceOf(LineResult.EndOfStream.class);
        }
    }

    @Test
    void aCrAtTheEndOfOnePieceAndLfAtTheStartOfTheNextIsACrlf() throws IOException {
        SmtpLineReader r = reader(TestStreams.pieces("NOOP\r", "\nQUIT\r", "\n"));
        assertThat(r.readLine()).isEqualTo(line("NOOP"));
        assertThat(r.readLine()).isEqualTo(line("QUIT"));
    }

    @Test
    void aBareLfLineIsReportedAndTheNextLineIsIntact() throws IOException {
        SmtpLineReader r = reader(TestStreams.whole("NOOP\nQUIT\r\n"));
        assertThat(r.readLine()).isInstanceOf(LineResult.BareLineFeed.class);
        assertThat(r.readLine()).isEqualTo(line("QUIT"));
        assertThat(new LineResult.BareLineFeed().reply()).isEqualTo(SmtpReply.BARE_LF);
    }

    @Test
    void aBareLfAloneIsReported() throws IOException {
        assertThat(reader(TestStreams.whole("\n")).readLine()).isInstanceOf(LineResult.BareLineFeed.class);
    }

    @Test
    void aCrInsideALineIsNotALineEndAndStaysForTheParser() throws IOException {
        SmtpLineReader r = reader(TestStreams.whole("NOOP\rRSET\r\n"));
        LineResult result = r.readLine();
        assertThat(result).isEqualTo(line("NOOP\rRSET"));
        assertThat(new SmtpCommandParser(LIMITS).parse((LineResult.Line) result))
                .isEqualTo(new ParseResult.Rejected(SmtpReply.SYNTAX_ERROR, false));
    }

    @Test
    void aLineOfExactlyTheLimitIsReturnedAndOneByteMoreIsTooLong() throws IOException {
        String atLimit = "x".repeat(510); // + CRLF = 512
        SmtpLineReader r = reader(TestStreams.whole(atLimit + "\r\n" + atLimit + "x\r\nQUIT\r\n"));
        assertThat(r.readLine()).isEqualTo(line(atLimit));
        assertThat(r.readLine()).isInstanceOf(LineResult.TooLong.class);
        assertThat(r.readLine()).isEqualTo(line("QUIT"));
    }

    @Test
    void aVeryLongLineIsConsumedWithoutBufferingAndTheSessionContinues() throws IOException {
        String huge = "NOOP " + "y".repeat(1_000_000);
        SmtpInput in = new SmtpInput(TestStreams.slowChunks(huge + "\r\nQUIT\r\n", 700), LIMITS);
        SmtpLineReader r = new SmtpLineReader(in, LIMITS);
        assertThat(r.readLine()).isInstanceOf(LineResult.TooLong.class);
        assertThat(r.readLine()).isEqualTo(line("QUIT"));
    }

    @Test
    void aLongLineEndingWithABareLfIsTooLong() throws IOException {
        SmtpLineReader r = reader(TestStreams.whole("z".repeat(2000) + "\nQUIT\r\n"));
        assertThat(r.readLine()).isInstanceOf(LineResult.TooLong.class);
        assertThat(r.readLine()).isEqualTo(line("QUIT"));
    }

    @Test
    void anEndlessLineStopsAtTheDiscardLimit() throws IOException {
        SmtpLimits limits = LIMITS.withMaxDiscardBytes(10_000);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };
        SmtpLineReader r = new SmtpLineReader(new SmtpInput(endless, limits), limits);
        LineResult result = r.readLine();
        assertThat(result).isInstanceOf(LineResult.DiscardLimitExceeded.class);
        assertThat(((LineResult.DiscardLimitExceeded) result).reply()).isEqualTo(SmtpReply.LINE_TOO_LONG_CLOSING);
    }

    @Test
    void endOfStreamReportsUnterminatedBytes() throws IOException {
        SmtpLineReader r = reader(TestStreams.whole("QUIT\r\nRSET"));
        assertThat(r.readLine()).isEqualTo(line("QUIT"));
        assertThat(r.readLine()).isEqualTo(new LineResult.EndOfStream(4));
        assertThat(r.readLine()).isEqualTo(new LineResult.EndOfStream(0));
    }

    @Test
    void aCommandWithoutItsLfIsNeverExecutedAtEndOfStream() throws IOException {
        SmtpLineReader r = reader(TestStreams.whole("QUIT\r"));
        assertThat(r.readLine()).isEqualTo(new LineResult.EndOfStream(5));
    }

    @Test
    void nulBytesArePassedToTheParserWhichRefusesThem() throws IOException {
        SmtpLineReader r = reader(TestStreams.whole("NO\0OP\r\n"));
        LineResult l = r.readLine();
        assertThat(((LineResult.Line) l).bytes()).hasSize(5);
    }

    @Test
    void lineContentIsNeverShownByToString() throws IOException {
        LineResult l = reader(TestStreams.whole("AUTH PLAIN c2VjcmV0\r\n")).readLine();
        assertThat(l.toString()).isEqualTo("Line[19 bytes]");
    }

    @Test
    void theReaderHoldsTheLargerAuthLimitAndTheParserAppliesTheCommandLimit() throws IOException {
        SmtpLimits limits = SmtpLimits.defaults(); // 2048 commands, 12288 AUTH
        String token = "A".repeat(8000);
        SmtpLineReader r = new SmtpLineReader(new SmtpInput(TestStreams.whole("AUTH XOAUTH2 " + token + "\r\nNOOP " + token + "\r\n"), limits), limits);
        SmtpCommandParser parser = new SmtpCommandParser(limits);
        assertThat(parser.parse((LineResult.Line) r.readLine())).isInstanceOf(ParseResult.Parsed.class);
        assertThat(parser.parse((LineResult.Line) r.readLine())).isEqualTo(new ParseResult.Rejected(SmtpReply.LINE_TOO_LONG, false));
    }

    @Test
    void anIoExceptionMakesTheInputUnusable() throws IOException {
        InputStream failing = new SequenceInputStream(TestStreams.whole("NOOP\r\nQU"), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("reset");
            }
        });
        SmtpLineReader r = reader(failing);
        assertThat(r.readLine()).isEqualTo(line("NOOP"));
        assertThatThrownBy(r::readLine).isInstanceOf(IOException.class);
        assertThatThrownBy(r::readLine).isInstanceOf(IllegalStateException.class);
    }
}

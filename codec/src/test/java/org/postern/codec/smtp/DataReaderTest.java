package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.codec.smtp.TestStreams.bytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataReaderTest {
    private static final SmtpLimits LIMITS = SmtpLimits.defaults();

    /** Reads one DATA section and then the next command line from the same input. */
    private record Session(DataOutcome outcome, String message, LineResult next) {}

    private static Session session(InputStream in, SmtpLimits limits) throws IOException {
        SmtpInput input = new SmtpInput(in, limits);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutcome outcome = new DataReader(input, limits).read(out);
        LineResult next = new SmtpLineReader(input, limits).readLine();
        return new Session(outcome, out.toString(StandardCharsets.ISO_8859_1), next);
    }

    private static Session session(String wire) throws IOException {
        return session(TestStreams.whole(wire), LIMITS);
    }

    private static final LineResult QUIT = new LineResult.Line(bytes("QUIT"));

    @Test
    void aMessageEndsAtCrlfDotCrlfAndKeepsItsLastCrlf() throws IOException {
        Session s = session("Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        assertThat(s.outcome()).isEqualTo(new DataOutcome.Accepted(21));
        assertThat(s.message()).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        assertThat(s.next()).isEqualTo(QUIT);
    }

    @Test
    void aDotRightAfterTheDataCommandIsAnEmptyMessage() throws IOException {
        Session s = session(".\r\nQUIT\r\n");
        assertThat(s.outcome()).isEqualTo(new DataOutcome.Accepted(0));
        assertThat(s.message()).isEmpty();
        assertThat(s.next()).isEqualTo(QUIT);
    }

    @Test
    void dotStuffedLinesAreUnstuffed() throws IOException {
        Session s = session("..x\r\n..\r\n...\r\na.b\r\n.\r\n");
        assertThat(s.message()).isEqualTo(".x\r\n.\r\n..\r\na.b\r\n");
        assertThat(s.outcome()).isEqualTo(new DataOutcome.Accepted(s.message().length()));
    }

    @Test
    void aLeadingDotOnALongerLineIsRemovedAsTheRfcSays() throws IOException {
        assertThat(session(".x\r\n.\r\n").message()).isEqualTo("x\r\n");
    }

    @Test
    void aLineOfJustTwoDotsIsADotNotTheEnd() throws IOException {
        Session s = session("..\r\nstill here\r\n.\r\nQUIT\r\n");
        assertThat(s.message()).isEqualTo(".\r\nstill here\r\n");
        assertThat(s.next()).isEqualTo(QUIT);
    }

    @Test
    void nulAndEightBitBytesPassThrough() throws IOException {
        Session s = session("a\0b\u00e9\u00ff\r\n.\r\n");
        assertThat(s.message()).isEqualTo("a\0b\u00e9\u00ff\r\n");
        assertThat(s.outcome()).isInstanceOf(DataOutcome.Accepted.class);
    }

    /** The sequences of the SMTP smuggling research (SEC Consult 2023 and follow-ups). */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r.\r", "\r.\r\n", "\r\n.\r", "\r\n.\n", "\n.\r", "\r.\n",
            "\r\n.\r\r\n", "\r\r\n.\r\r\n", "\r\n\r.\r\n", "\n\n.\n\n", "\r\n.\n\r\n"})
    void smugglingSequencesNeverEndTheMessageAndVoidIt(String sequence) throws IOException {
        String smuggled = "MAIL FROM:<admin@victim.example>\r\nRCPT TO:<target@victim.example>\r\nDATA\r\nforged\r\n";
        String wire = "Subject: real\r\n\r\nbody" + sequence + smuggled + ".\r\nQUIT\r\n";
        Session s = session(wire);
        assertThat(s.outcome()).as(escape(sequence)).isInstanceOf(DataOutcome.BareLineEnding.class);
        assertThat(((DataOutcome.BareLineEnding) s.outcome()).reply()).isEqualTo(SmtpReply.BARE_LINE_ENDING_IN_DATA);
        // The reader found the real end: the next command is the client's QUIT, not the smuggled MAIL.
        assertThat(s.next()).as(escape(sequence)).isEqualTo(QUIT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\r", "\r\n.\n"})
    void smugglingSequencesAreCaughtWhereverTheInputIsSplit(String sequence) throws IOException {
        String wire = "x" + sequence + "MAIL FROM:<a@b.example>\r\n.\r\nQUIT\r\n";
        for (int split = 0; split <= wire.length(); split++) {
            Session s = session(TestStreams.pieces(wire.substring(0, split), wire.substring(split)), LIMITS);
            assertThat(s.outcome()).as("split %d", split).isInstanceOf(DataOutcome.BareLineEnding.class);
            assertThat(s.next()).as("split %d", split).isEqualTo(QUIT);
        }
        Session slow = session(TestStreams.slow(wire), LIMITS);
        assertThat(slow.outcome()).isInstanceOf(DataOutcome.BareLineEnding.class);
        assertThat(slow.next()).isEqualTo(QUIT);
    }

    @Test
    void aGenuineCrlfDotCrlfAfterABareCrStillEndsTheMessage() throws IOException {
        // "\r\r\n.\r\n" holds a real CRLF.CRLF: RFC 5321 ends there, and no sender that stuffs dots
        // (on CRLF or on LF lines) can emit it from content. The message is still void.
        Session s = session("body\r\r\n.\r\nQUIT\r\n");
        assertThat(s.outcome()).isEqualTo(new DataOutcome.BareLineEnding(4));
        assertThat(s.next()).isEqualTo(QUIT);
    }

    @Test
    void aNulBeforeTheDotIsDataNotAnEnd() throws IOException {
        // Some servers strip NUL and then see "\r\n.\r\n"; Postern keeps the byte and the message goes on.
        Session s = session("a\r\n\0.\r\nMAIL FROM:<x@y.example>\r\n.\r\nQUIT\r\n");
        assertThat(s.outcome()).isInstanceOf(DataOutcome.Accepted.class);
        assertThat(s.message()).isEqualTo("a\r\n\0.\r\nMAIL FROM:<x@y.example>\r\n");
        assertThat(s.next()).isEqualTo(QUIT);
    }

    @Test
    void theFirstBareLineEndingIsLocated() throws IOException {
        assertThat(session("ab\ncd\r\n.\r\n").outcome()).isEqualTo(new DataOutcome.BareLineEnding(2));
        assertThat(session("ab\rcd\r\n.\r\n").outcome()).isEqualTo(new DataOutcome.BareLineEnding(2));
        assertThat(session("\n.\r\n.\r\n").outcome()).isEqualTo(new DataOutcome.BareLineEnding(0));
        assertThat(session("ab\r\r\n.\r\n").outcome()).isEqualTo(new DataOutcome.BareLineEnding(2));
        assertThat(session("a\r\n.\r.\r\n.\r\n").outcome()).isEqualTo(new DataOutcome.BareLineEnding(4));
    }

    @Test
    void aBareCrAtTheEndOfAPieceFollowedByLfInTheNextIsACrlf() throws IOException {
        Session s = session(TestStreams.pieces("line\r", "\n.", "\r", "\nQUIT\r\n"), LIMITS);
        assertThat(s.outcome()).isEqualTo(new DataOutcome.Accepted(6));
        assertThat(s.next()).isEqualTo(QUIT);
    }

    @Test
    void aMessageExactlyAtTheLimitIsAcceptedAndOneByteMoreIsTooLarge() throws IOException {
        SmtpLimits ten = LIMITS.withMaxMessageBytes(10);
        Session at = session(TestStreams.whole("12345678\r\n.\r\nQUIT\r\n"), ten);
        assertThat(at.outcome()).isEqualTo(new DataOutcome.Accepted(10));
        assertThat(at.message()).isEqualTo("12345678\r\n");
        Session over = session(TestStreams.whole("123456789\r\n.\r\nQUIT\r\n"), ten);
        assertThat(over.outcome()).isEqualTo(new DataOutcome.TooLarge(10));
        assertThat(((DataOutcome.TooLarge) over.outcome()).reply()).isEqualTo(SmtpReply.MESSAGE_TOO_LARGE);
        assertThat(over.message().length()).isLessThanOrEqualTo(10);
        assertThat(over.next()).isEqualTo(QUIT);
    }

    @Test
    void theLimitCountsUnstuffedBytes() throws IOException {
        SmtpLimits six = LIMITS.withMaxMessageBytes(6);
        // Raw "..\r\n..\r\n" is 8 bytes; unstuffed ".\r\n.\r\n" is 6.
        assertThat(session(TestStreams.whole("..\r\n..\r\n.\r\n"), six).outcome()).isEqualTo(new DataOutcome.Accepted(6));
    }

    @Test
    void aTooLargeMessageIsConsumedToItsEndWithoutBeingKept() throws IOException {
        SmtpLimits small = LIMITS.withMaxMessageBytes(1000);
        AtomicLong written = new AtomicLong();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                written.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written.addAndGet(len);
            }
        };
        String body = "0123456789abcdef\r\n".repeat(100_000);
        SmtpInput input = new SmtpInput(TestStreams.slowChunks(body + ".\r\nQUIT\r\n", 1460), small);
        DataOutcome outcome = new DataReader(input, small).read(counting);
        assertThat(outcome).isEqualTo(new DataOutcome.TooLarge(1000));
        assertThat(written.get()).isLessThanOrEqualTo(1000);
        assertThat(new SmtpLineReader(input, small).readLine()).isEqualTo(QUIT);
    }

    @Test
    void bareLineEndingWinsOverTooLarge() throws IOException {
        SmtpLimits ten = LIMITS.withMaxMessageBytes(10);
        assertThat(session(TestStreams.whole("12345678901234\nx\r\n.\r\n"), ten).outcome())
                .isInstanceOf(DataOutcome.BareLineEnding.class);
    }

    @Test
    void rejectedDataBeyondTheDiscardLimitTellsTheSessionToClose() throws IOException {
        SmtpLimits limits = LIMITS.withMaxMessageBytes(100).withMaxDiscardBytes(1000);
        String wire = "x".repeat(100) + "y".repeat(2000) + "\r\n.\r\n";
        assertThat(session(TestStreams.whole(wire), limits).outcome())
                .isEqualTo(new DataOutcome.DiscardLimitExceeded(SmtpReply.MESSAGE_TOO_LARGE_CLOSING));
        String bare = "a\n" + "z".repeat(2000) + "\r\n.\r\n";
        assertThat(session(TestStreams.whole(bare), limits).outcome())
                .isEqualTo(new DataOutcome.DiscardLimitExceeded(SmtpReply.BARE_LINE_ENDING_CLOSING));
        // Within the budget the reader resynchronises.
        String shortBare = "a\n" + "z".repeat(500) + "\r\n.\r\nQUIT\r\n";
        Session s = session(TestStreams.whole(shortBare), limits);
        assertThat(s.outcome()).isInstanceOf(DataOutcome.BareLineEnding.class);
        assertThat(s.next()).isEqualTo(QUIT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "partial", "line\r\n", "line\r\n.", "line\r\n.\r", "line\r", "\n.\n"})
    void endOfStreamInsideDataIsReported(String wire) throws IOException {
        assertThat(session(wire).outcome()).isEqualTo(new DataOutcome.EndOfStream());
    }

    @Test
    void commandsDataAndCommandsShareOneBufferWhenPipelinedInOneSegment() throws IOException {
        SmtpInput input = new SmtpInput(TestStreams.whole(
                "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nhello\r\n.\r\nRSET\r\nQUIT\r\n"), LIMITS);
        SmtpLineReader lines = new SmtpLineReader(input, LIMITS);
        DataReader data = new DataReader(input, LIMITS);
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("MAIL FROM:<a@b.example>")));
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("RCPT TO:<c@d.example>")));
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("DATA")));
        // The client did not wait for 354: the session can see it and refuse.
        assertThat(input.hasBufferedInput()).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(data.read(out)).isEqualTo(new DataOutcome.Accepted(7));
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hello\r\n");
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("RSET")));
        assertThat(lines.readLine()).isEqualTo(QUIT);
    }

    @Test
    void aMessageFedOneByteAtATimeComesOutTheSame() throws IOException {
        String wire = "From: a\r\n..dots\r\n.\r\n";
        Session slow = session(TestStreams.slow(wire + "QUIT\r\n"), LIMITS);
        assertThat(slow.message()).isEqualTo("From: a\r\n.dots\r\n");
        assertThat(slow.next()).isEqualTo(QUIT);
    }

    @Test
    void aMessageSplitAnywhereComesOutTheSame() throws IOException {
        String wire = "A\r\n..B\r\n.\r\r\n\r\n..\r\nC\r\n.\r\nQUIT\r\n";
        Session whole = session(wire);
        for (int split = 0; split <= wire.length(); split++) {
            Session s = session(TestStreams.pieces(wire.substring(0, split), wire.substring(split)), LIMITS);
            assertThat(s).as("split %d", split).isEqualTo(whole);
        }
    }

    @Test
    void aLargeMessageIsWrittenAsItArrivesNotAtTheEnd() throws IOException {
        byte[] line = bytes("0123456789".repeat(10) + "\r\n");
        AtomicLong writtenBeforeEnd = new AtomicLong(-1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream source = new InputStream() {
            private long sent;
            private int pos;
            private byte[] tail;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent < 1_000_000) {
                    int n = Math.min(len, line.length - pos);
                    System.arraycopy(line, pos, b, off, n);
                    pos = (pos + n) % line.length;
                    sent += n;
                    return n;
                }
                if (tail == null) {
                    writtenBeforeEnd.set(out.size());
                    tail = bytes(pos == 0 ? ".\r\n" : "\r\n.\r\n");
                    System.arraycopy(tail, 0, b, off, tail.length);
                    return tail.length;
                }
                return -1;
            }
        };
        DataOutcome outcome = new DataReader(new SmtpInput(source, LIMITS), LIMITS).read(out);
        assertThat(outcome).isInstanceOf(DataOutcome.Accepted.class);
        assertThat(writtenBeforeEnd.get()).isGreaterThan(900_000);
    }

    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}

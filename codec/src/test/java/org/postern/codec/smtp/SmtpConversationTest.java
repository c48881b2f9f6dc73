package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drives whole conversations the way package-info tells the session to, with a toy session that
 * only records what it would do. Proves the readers stay in step across commands, DATA, BDAT and
 * errors on one shared input, however the bytes arrive.
 */
class SmtpConversationTest {
    private static final SmtpLimits LIMITS = SmtpLimits.defaults().withMaxMessageBytes(1000);

    /** Runs the documented loop and returns one event per step. */
    private static List<String> converse(InputStream stream) throws IOException {
        List<String> events = new ArrayList<>();
        SmtpInput in = new SmtpInput(stream, LIMITS);
        SmtpLineReader lines = new SmtpLineReader(in, LIMITS);
        DataReader data = new DataReader(in, LIMITS);
        SmtpCommandParser parser = new SmtpCommandParser(LIMITS);
        BdatReader bdat = null;
        while (true) {
            switch (lines.readLine()) {
                case LineResult.Line l -> {
                    switch (parser.parse(l)) {
                        case ParseResult.Rejected r -> {
                            events.add("reject " + r.reply().code());
                            if (r.closeConnection()) {
                                events.add("close");
                                return events;
                            }
                        }
                        case ParseResult.Parsed p -> {
                            switch (p.command()) {
                                case SmtpCommand.Data d -> {
                                    if (in.hasBufferedInput()) {
                                        events.add("reject pipelined DATA and close");
                                        return events;
                                    }
                                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                                    DataOutcome outcome = data.read(out);
                                    events.add(("DATA " + outcome.getClass().getSimpleName() + " "
                                            + out.toString(StandardCharsets.ISO_8859_1)).strip());
                                }
                                case SmtpCommand.Bdat b -> {
                                    if (bdat == null) {
                                        bdat = new BdatReader(in, LIMITS);
                                    }
                                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                                    BdatOutcome outcome = bdat.read(b.chunkBytes(), b.last(), out);
                                    events.add("BDAT " + outcome.getClass().getSimpleName() + " "
                                            + out.toString(StandardCharsets.ISO_8859_1));
                                    if (b.last()) {
                                        bdat = null;
                                    }
                                }
                                case SmtpCommand.Quit q -> {
                                    events.add("QUIT");
                                    return events;
                                }
                                default -> events.add(p.command().verb());
                            }
                        }
                    }
                }
                case LineResult.TooLong t -> events.add("too long");
                case LineResult.BareLineFeed b -> events.add("bare LF");
                case LineResult.DiscardLimitExceeded d -> {
                    events.add("close");
                    return events;
                }
                case LineResult.EndOfStream e -> {
                    events.add("eof");
                    return events;
                }
            }
        }
    }

    private static final String CONVERSATION = "EHLO client.example\r\n"
            + "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nBOGUS\r\nRCPT TO:<e@f.example>\r\nDATA\r\n"
            + "|" // the client waits for 354 here
            + "Subject: one\r\n\r\n..dot\r\n.\r\n"
            + "MAIL FROM:<> BODY=BINARYMIME\r\nRCPT TO:<Postmaster>\r\nBDAT 5\r\nab\ncdBDAT 3 LAST\r\nxyz"
            + "NOOP\nRSET\r\n" + "x".repeat(3000) + "\r\n" + "y".repeat(13_000) + "\r\nQUIT\r\n";

    private static final List<String> EXPECTED = List.of("EHLO", "MAIL", "RCPT", "reject 500", "RCPT",
            "DATA Accepted Subject: one\r\n\r\n.dot", "MAIL", "RCPT", "BDAT Accepted ab\ncd", "BDAT Accepted xyz",
            "bare LF", "RSET", "reject 500", "too long", "QUIT");

    @Test
    void aPipelinedConversationStaysInStep() throws IOException {
        String[] parts = CONVERSATION.split("\\|");
        assertThat(converse(TestStreams.pieces(parts))).isEqualTo(EXPECTED);
    }

    @Test
    void theSameConversationOneByteAtATimeGivesTheSameEvents() throws IOException {
        assertThat(converse(TestStreams.slow(CONVERSATION.replace("|", "")))).isEqualTo(EXPECTED);
    }

    @Test
    void dataSentBeforeThe354IsVisibleToTheSession() throws IOException {
        assertThat(converse(TestStreams.whole(CONVERSATION.replace("|", ""))))
                .endsWith("reject pipelined DATA and close");
    }

    @Test
    void aSmuggledMessageNeverBecomesASecondTransaction() throws IOException {
        String wire = "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n|"
                + "hello\n.\nMAIL FROM:<ceo@d.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nforged\r\n.\r\nQUIT\r\n";
        assertThat(converse(TestStreams.pieces(wire.split("\\|"))))
                .containsExactly("MAIL", "RCPT", "DATA BareLineEnding", "QUIT");
    }

    @Test
    void aMalformedBdatClosesTheConnectionBeforeItsChunkIsReadAsCommands() throws IOException {
        assertThat(converse(TestStreams.whole("BDAT 5x\r\nQUIT\r\n"))).containsExactly("reject 501", "close");
    }
}

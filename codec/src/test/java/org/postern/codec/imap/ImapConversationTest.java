package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drives whole conversations through the loop package-info documents, with a toy session that
 * answers through {@link ImapResponseWriter} and keeps nothing: proves reader, parser and
 * writer stay in step over literals, APPEND streams, AUTHENTICATE, IDLE and refusals, however
 * the bytes arrive.
 */
class ImapConversationTest {
    private static final ImapLimits LIMITS = ImapLimits.defaults().withInputBufferBytes(512).withMaxAppendBytes(1000);

    /** The documented loop; returns everything the server wrote. */
    private static String converse(InputStream stream) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapResponseWriter writer = new ImapResponseWriter(out);
        ImapInput input = new ImapInput(stream, LIMITS);
        ImapCommandReader reader = new ImapCommandReader(input, LIMITS);
        long staged = 0;
        loop:
        while (true) {
            switch (reader.next()) {
                case ReadResult.Command c -> {
                    ImapCommand command = c.command();
                    switch (command) {
                        case ImapCommand.Logout l -> {
                            writer.write(ImapResponse.bye("Logging out"));
                            writer.write(ImapResponse.ok(l.tag(), "LOGOUT completed"));
                            break loop;
                        }
                        case ImapCommand.Authenticate a -> {
                            writer.write(new ImapResponse.Continuation(""));
                            SaslResponse response = reader.readSaslResponse();
                            writer.write(response instanceof SaslResponse.Data d && d.bytes().length > 0
                                    ? ImapResponse.ok(a.tag(), "Authenticated") : ImapResponse.bad(a.tag(), "Cancelled"));
                        }
                        case ImapCommand.Idle i -> {
                            writer.write(new ImapResponse.Continuation("idling"));
                            writer.write(ImapResponse.exists(4));
                            writer.write(reader.readIdleEnd() == IdleEnd.DONE ? ImapResponse.ok(i.tag(), "IDLE terminated")
                                    : ImapResponse.bad(i.tag(), "Expected DONE"));
                        }
                        case ImapCommand.Append a -> {
                            writer.write(ImapResponse.ok(a.tag(), ResponseCode.appendUid(1, NumberRanges.range(10,
                                    9 + a.messages().size())), "APPEND completed " + staged + " octets"));
                            staged = 0;
                        }
                        case ImapCommand.Login l -> writer.write(ImapResponse.ok(l.tag(), "Logged in as "
                                + l.user().length() + " characters"));
                        case ImapCommand.ListMailboxes l -> {
                            for (String p : l.patterns()) {
                                ListPattern pattern = ListPattern.of(l.reference(), p, '/').orElseThrow();
                                for (String name : List.of("INBOX", "Sent", "Archive/2024", "Entw\u00fcrfe")) {
                                    if (pattern.matches(name)) {
                                        writer.write(ImapResponse.list(List.of(), '/', new MailboxName(name), List.of()));
                                    }
                                }
                            }
                            writer.write(ImapResponse.ok(l.tag(), "LIST completed"));
                        }
                        default -> writer.write(ImapResponse.ok(command.tag(), command.name() + " completed"));
                    }
                }
                case ReadResult.Rejected r -> {
                    writer.write(r.response());
                    staged = 0;
                    if (r.closeConnection()) {
                        writer.write(ImapResponse.bye("Closing"));
                        break loop;
                    }
                }
                case ReadResult.LiteralAnnounced a -> {
                    boolean tryCreate = a.message().map(m -> m.mailbox().name().equals("Nowhere")).orElse(false);
                    if (tryCreate) {
                        writer.write(ImapResponse.no(a.tag(), ResponseCode.TRYCREATE, "No such mailbox"));
                        reader.refuseLiteral();
                    } else {
                        writer.write(ImapResponse.goAhead());
                        reader.acceptLiteral();
                    }
                }
                case ReadResult.AppendData d -> staged += d.body().readAllBytes().length;
                case ReadResult.EndOfStream e -> {
                    break loop;
                }
            }
        }
        writer.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static final String CLIENT = String.join("",
            "1 CAPABILITY\r\n",
            "2 AUTHENTICATE PLAIN\r\n", "AGFsaWNlAHNlY3JldA==\r\n",
            "3 LOGIN {5}\r\n", "alice {6+}\r\nsecret\r\n",
            "4 LIST \"\" (% \"Archive/*\")\r\n",
            "5 APPEND Sent (\\Seen) {11}\r\n", "hello world {3+}\r\nabc\r\n",
            "6 APPEND Nowhere {5}\r\n",
            "7 IDLE\r\n", "DONE\r\n",
            "8 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (Subject)])\r\n",
            "9 SEARCH CHARSET UTF-8 SUBJECT {2+}\r\n\u00e9\r\n",
            "10 SELECT INBOX\n",
            "11 LOGIN x {70000+}\r\n", "y".repeat(70_000), "\r\n",
            "12 LOGOUT\r\n");

    private static final String SERVER = String.join("",
            "1 CAPABILITY completed\r\n",
            "+ \r\n", "2 OK Authenticated\r\n",
            "+ go ahead\r\n", "3 OK Logged in as 5 characters\r\n",
            "* LIST () \"/\" \"INBOX\"\r\n", "* LIST () \"/\" \"Sent\"\r\n", "* LIST () \"/\" \"Entw&APw-rfe\"\r\n",
            "* LIST () \"/\" \"Archive/2024\"\r\n", "4 OK LIST completed\r\n",
            "+ go ahead\r\n", "5 OK [APPENDUID 1 10:11] APPEND completed 14 octets\r\n",
            "6 NO [TRYCREATE] No such mailbox\r\n",
            "+ idling\r\n", "* 4 EXISTS\r\n", "7 OK IDLE terminated\r\n",
            "8 OK UID FETCH completed\r\n".replace("UID FETCH", "FETCH"),
            "9 OK SEARCH completed\r\n",
            "10 BAD Lines must end with CRLF\r\n",
            "11 BAD [TOOBIG] Literal too large\r\n",
            "* BYE Logging out\r\n", "12 OK LOGOUT completed\r\n");

    @Test
    void aWholeSessionStaysInStep() throws IOException {
        String expected = SERVER.replace("1 CAPABILITY completed", "1 OK CAPABILITY completed");
        byte[] wire = CLIENT.getBytes(StandardCharsets.UTF_8);
        // The whole script at once (as a client that pipelines wrongly would send it) and in small pieces.
        assertThat(converse(new ImapTestStreams.Pieces(wire))).isEqualTo(expected);
        for (int chunk = 1; chunk <= 5; chunk++) {
            assertThat(converse(ImapTestStreams.chunked(wire, chunk))).as("chunk %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void aClientThatGoesSilentMidCommandIsNotExecuted() throws IOException {
        assertThat(converse(ImapTestStreams.whole("1 NOOP\r\n2 LOGIN {5}\r\nal"))).isEqualTo(
                "1 OK NOOP completed\r\n+ go ahead\r\n");
    }

    @Test
    void aCrossProtocolRequestIsAnsweredAndClosed() throws IOException {
        assertThat(converse(ImapTestStreams.whole("POST / HTTP/1.1\r\nHost: x\r\n\r\na LOGIN alice secret\r\n")))
                .isEqualTo("* BAD This is an IMAP server, closing connection\r\n* BYE Closing\r\n");
    }

    @Test
    void refusalsCarryNoClientInput() throws IOException {
        String out = converse(ImapTestStreams.whole("a SEARCH FROM \"<script>\" x)\r\nb LOGIN \"secret\r\n"));
        assertThat(out).doesNotContain("script").doesNotContain("secret");
        assertThat(out).isEqualTo("a BAD Syntax error in command\r\nb BAD Syntax error in command\r\n");
    }
}

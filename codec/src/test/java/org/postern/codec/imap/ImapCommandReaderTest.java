package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.codec.imap.ImapTestStreams.bytes;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.postern.codec.imap.ImapCommand.AppendMessage;

class ImapCommandReaderTest {
    private static final ImapLimits LIMITS = ImapLimits.defaults().withInputBufferBytes(512);

    private static ImapCommandReader reader(ImapLimits limits, InputStream in) {
        return new ImapCommandReader(new ImapInput(in, limits), limits);
    }

    private static ImapCommandReader reader(String... pieces) {
        return reader(LIMITS, new ImapTestStreams.Pieces(pieces));
    }

    private static ImapCommand command(ReadResult r) {
        assertThat(r).isInstanceOf(ReadResult.Command.class);
        return ((ReadResult.Command) r).command();
    }

    private static ReadResult.Rejected rejected(ReadResult r) {
        assertThat(r).isInstanceOf(ReadResult.Rejected.class);
        return (ReadResult.Rejected) r;
    }

    private static InputStream concat(InputStream... parts) {
        return new SequenceInputStream(Collections.enumeration(List.of(parts)));
    }

    @Nested
    class Lines {
        @Test
        void pipelinedCommandsComeOutOneByOne() throws IOException {
            ImapCommandReader r = reader("a NOOP\r\nb CAPABILITY\r\nc LOGOUT\r\n");
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("a"));
            assertThat(r.hasBufferedInput()).isTrue();
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Capability("b"));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Logout("c"));
            assertThat(r.next()).isEqualTo(new ReadResult.EndOfStream(0));
            assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void commandsSplitAnywhereReadTheSame() throws IOException {
            String wire = "a LOGIN {5}\r\nalice {6+}\r\nsecret\r\nb SELECT INBOX\r\n";
            for (int chunk = 1; chunk <= 7; chunk++) {
                ImapCommandReader r = reader(LIMITS, ImapTestStreams.chunked(bytes(wire), chunk));
                ReadResult announced = r.next();
                assertThat(announced).isEqualTo(new ReadResult.LiteralAnnounced("a", "LOGIN", 5, Optional.empty()));
                r.acceptLiteral();
                assertThat(command(r.next())).isEqualTo(new ImapCommand.Login("a", "alice", "secret"));
                assertThat(command(r.next())).isInstanceOf(ImapCommand.Select.class);
            }
        }

        @Test
        void aBareLineFeedIsRefusedAndTheSessionContinues() throws IOException {
            ImapCommandReader r = reader("a NOOP\nb NOOP\r\n");
            ReadResult.Rejected bad = rejected(r.next());
            assertThat(bad).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.BARE_LINE_FEED, false));
            assertThat(bad.response()).isEqualTo(new ImapResponse.Tagged("a", ImapResponse.Status.BAD, Optional.empty(),
                    "Lines must end with CRLF"));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void aStrayCarriageReturnIsASyntaxError() throws IOException {
            ImapCommandReader r = reader("a LOGIN al\rce secret\r\nb NOOP\r\n");
            assertThat(rejected(r.next()).refusal()).isEqualTo(Refusal.SYNTAX);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void anOverLongLineIsRefusedWithItsTagAndConsumed() throws IOException {
            ImapCommandReader r = reader("a SEARCH " + "x".repeat(10_000) + "\r\nb NOOP\r\n");
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.LINE_TOO_LONG, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
            assertThat(r.commandBufferCapacity()).isLessThanOrEqualTo(16 << 10);
        }

        @Test
        void aLineThatNeverEndsClosesTheConnectionPastTheDiscardBound() throws IOException {
            ImapLimits stingy = LIMITS.withMaxDiscardBytes(50_000);
            ImapCommandReader r = reader(stingy, ImapTestStreams.repeat((byte) 'x', 10_000_000));
            ReadResult.Rejected closing = rejected(r.next());
            assertThat(closing.closeConnection()).isTrue();
            assertThat(closing.refusal()).isEqualTo(Refusal.DISCARD_LIMIT_EXCEEDED);
            assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void anUnfinishedCommandIsNeverExecuted() throws IOException {
            ImapCommandReader r = reader("a NOOP\r\nb NOO");
            r.next();
            assertThat(r.next()).isEqualTo(new ReadResult.EndOfStream(5));
        }

        @Test
        void httpRequestsCloseTheConnection() throws IOException {
            ReadResult.Rejected r = rejected(reader("GET / HTTP/1.1\r\nHost: mail.example\r\n\r\n").next());
            assertThat(r.closeConnection()).isTrue();
            assertThat(r.refusal()).isEqualTo(Refusal.NOT_IMAP);
            assertThat(r.tag()).isEmpty(); // "GET" is not a tag
            assertThat(rejected(reader("POST /login HTTP/1.0\r\n").next()).closeConnection()).isTrue();
        }

        @Test
        void anEmptyLineIsAnUntaggedBad() throws IOException {
            ImapCommandReader r = reader("\r\na NOOP\r\n");
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.empty(), Refusal.MISSING_TAG, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("a"));
        }
    }

    @Nested
    class SynchronisingLiterals {
        @Test
        void theSessionDecidesBeforeAnyLiteralByteIsRead() throws IOException {
            ImapTestStreams.Pieces wire = new ImapTestStreams.Pieces("a LOGIN {5}\r\n", "alice {6}\r\n", "secret\r\n");
            ImapCommandReader r = reader(LIMITS, wire);
            assertThat(r.next()).isEqualTo(new ReadResult.LiteralAnnounced("a", "LOGIN", 5, Optional.empty()));
            assertThat(wire.delivered()).isEqualTo("a LOGIN {5}\r\n".length());
            assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class);
            r.acceptLiteral();
            assertThat(r.next()).isEqualTo(new ReadResult.LiteralAnnounced("a", "LOGIN", 6, Optional.empty()));
            r.acceptLiteral();
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Login("a", "alice", "secret"));
        }

        @Test
        void aRefusedLiteralEndsTheCommandAndTheClientGoesOn() throws IOException {
            ImapCommandReader r = reader("a LOGIN {5}\r\n", "b NOOP\r\n");
            assertThat(r.next()).isInstanceOf(ReadResult.LiteralAnnounced.class);
            r.refuseLiteral();
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
            assertThatThrownBy(r::acceptLiteral).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(r::refuseLiteral).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aHugeAnnouncedLiteralIsRefusedBeforeReadingAndWithoutReservingMemory() throws IOException {
            ImapTestStreams.Pieces wire = new ImapTestStreams.Pieces("a LOGIN alice {4294967296}\r\n", "b NOOP\r\n");
            ImapCommandReader r = reader(LIMITS, wire);
            ReadResult.Rejected refused = rejected(r.next());
            assertThat(refused).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.LITERAL_TOO_LARGE, false));
            assertThat(refused.response().toString()).contains("BAD").contains("TOOBIG");
            assertThat(wire.delivered()).isEqualTo("a LOGIN alice {4294967296}\r\n".length());
            assertThat(r.commandBufferCapacity()).isEqualTo(512);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
            assertThat(rejected(reader("a LOGIN alice {99999999999999999999999999999}\r\n").next()).refusal())
                    .isEqualTo(Refusal.LITERAL_TOO_LARGE);
        }

        @Test
        void aHugeAppendIsRefusedWithNoTooBig() throws IOException {
            ReadResult.Rejected refused = rejected(reader("a APPEND INBOX {4294967296}\r\n").next());
            assertThat(refused.refusal()).isEqualTo(Refusal.MESSAGE_TOO_LARGE);
            assertThat(refused.response()).isEqualTo(new ImapResponse.Tagged("a", ImapResponse.Status.NO,
                    Optional.of(ResponseCode.TOOBIG), "Message too large"));
            assertThat(refused.closeConnection()).isFalse();
        }

        @Test
        void literalsOfUnknownCommandsOrUntaggedLinesAreNotOffered() throws IOException {
            ImapCommandReader r = reader("a FROBNICATE {3}\r\n", "{5}\r\n", "b NOOP\r\n");
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.UNKNOWN_COMMAND, false));
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.empty(), Refusal.MISSING_TAG, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void uidCommandsAreNamedInFull() throws IOException {
            assertThat(reader("a UID SEARCH CHARSET UTF-8 TEXT {6}\r\n").next())
                    .isEqualTo(new ReadResult.LiteralAnnounced("a", "UID SEARCH", 6, Optional.empty()));
        }

        @Test
        void literalsBeyondTheCommandBoundAreRefused() throws IOException {
            ImapLimits small = LIMITS.withMaxCommandBytes(8192).withMaxLiteralBytes(8000);
            ImapCommandReader r = reader(small, new ImapTestStreams.Pieces("a LOGIN {8000+}\r\n" + "x".repeat(8000)
                    + " {1000}\r\n", "b NOOP\r\n"));
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.COMMAND_TOO_LONG, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }
    }

    @Nested
    class NonSynchronisingLiterals {
        @Test
        void withinTheLimitsTheyAreReadAtOnce() throws IOException {
            ImapCommandReader r = reader("a LOGIN {5+}\r\nalice {6-}\r\nsecret\r\nb NOOP\r\n");
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Login("a", "alice", "secret"));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void tooLargeOnesAreDiscardedAndTheSessionStaysInStep() throws IOException {
            // The literal looks like commands; none of it may be executed.
            String literal = ("z LOGOUT\r\n").repeat(7000);
            ImapCommandReader r = reader("a LOGIN alice {" + literal.length() + "+}\r\n" + literal + "\r\nb NOOP\r\n");
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.LITERAL_TOO_LARGE, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
            assertThat(r.commandBufferCapacity()).isEqualTo(512);
        }

        @Test
        void literalsAfterTheRefusedOneAreDiscardedToo() throws IOException {
            ImapCommandReader r = reader("a LOGIN {70000+}\r\n" + "x".repeat(70000) + " {11+}\r\nc LOGOUT\r\n\r\nb NOOP\r\n");
            assertThat(rejected(r.next()).refusal()).isEqualTo(Refusal.LITERAL_TOO_LARGE);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void pastTheDiscardBoundTheConnectionMustClose() throws IOException {
            ImapCommandReader r = reader(LIMITS.withMaxDiscardBytes(100_000),
                    concat(ImapTestStreams.whole("a LOGIN alice {4294967296+}\r\n"), ImapTestStreams.repeat((byte) 'x', 1000)));
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.LITERAL_TOO_LARGE, true));
            assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void literalMinusAllowsOnly4096Octets() throws IOException {
            ImapLimits minus = LIMITS.withLiteralPlus(false);
            String ok = "x".repeat(4096);
            ImapCommandReader r = reader(minus, ImapTestStreams.whole("a LOGIN alice {4096+}\r\n" + ok + "\r\n"
                    + "b LOGIN alice {4097+}\r\n" + ok + "y\r\nc NOOP\r\n"));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Login("a", "alice", ok));
            ReadResult.Rejected tooBig = rejected(r.next());
            assertThat(tooBig).isEqualTo(new ReadResult.Rejected(Optional.of("b"),
                    Refusal.NON_SYNCHRONIZING_LITERAL_TOO_LARGE, false));
            assertThat(tooBig.response().toString()).contains("TOOBIG");
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("c"));
            // A synchronising literal of the same size is offered as usual.
            assertThat(reader(minus, ImapTestStreams.whole("d LOGIN alice {4097}\r\n")).next())
                    .isInstanceOf(ReadResult.LiteralAnnounced.class);
        }

        @Test
        void aLiteralAtTheEndOfARefusedLineIsStillALiteral() throws IOException {
            // Line too long, bare LF, unknown command, missing tag, bad syntax: each ends with a
            // non-synchronising literal whose content looks like a command; it is never executed.
            String evil = "e LOGOUT";
            List<String> refusedLines = List.of(
                    "a LOGIN " + "x".repeat(9000) + " {" + evil.length() + "+}\r\n",
                    "a LOGIN x {" + evil.length() + "+}\n",
                    "a FROB {" + evil.length() + "+}\r\n",
                    "{" + evil.length() + "+}\r\n",
                    "a NOOP junk{" + evil.length() + "+}\r\n",
                    "a LOGIN x y z {0000000000000000000000000000000000000000000000000000000" + evil.length() + "+}\r\n");
            for (String line : refusedLines) {
                ImapCommandReader r = reader(line + evil + "\r\nb NOOP\r\n");
                assertThat(r.next()).as(line).isInstanceOf(ReadResult.Rejected.class);
                assertThat(command(r.next())).as(line).isEqualTo(new ImapCommand.Noop("b"));
            }
        }

        @Test
        void aLiteralWhoseSizeFellOutOfSightClosesTheConnection() throws IOException {
            // An over-long line ends in so many digits that the reader cannot see where they start:
            // it cannot know how much the client will send, so it refuses and asks for a close.
            ImapCommandReader r = reader("a LOGIN " + "x".repeat(9000) + " {" + "0".repeat(80) + "8+}\r\ne LOGOUT\r\n");
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.LINE_TOO_LONG, true));
        }

        @Test
        void aSynchronisingLiteralAtTheEndOfARefusedLineIsNeverWaitedFor() throws IOException {
            ImapCommandReader r = reader("a LOGIN " + "x".repeat(9000) + " {5}\r\n", "b NOOP\r\n");
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.LINE_TOO_LONG, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }
    }

    @Nested
    class Append {
        private final String message = "From: a@example.org\r\nSubject: hi\r\n\r\nHello\r\n";

        @Test
        void aSynchronisingAppendIsAnnouncedWithItsTargetThenStreamed() throws IOException {
            String line = "A003 APPEND saved-messages (\\Seen) \"05-jul-1994 02:47:00 -0700\" {" + message.length() + "}\r\n";
            ImapTestStreams.Pieces wire = new ImapTestStreams.Pieces(line, message + "\r\n");
            ImapCommandReader r = reader(LIMITS, wire);
            ReadResult.LiteralAnnounced announced = (ReadResult.LiteralAnnounced) r.next();
            ReadResult.IncomingMessage incoming = announced.message().orElseThrow();
            assertThat(incoming.mailbox()).isEqualTo(new MailboxName("saved-messages"));
            assertThat(incoming.index()).isZero();
            assertThat(incoming.message().flags()).containsExactly("\\Seen");
            assertThat(incoming.message().internalDate()).isPresent();
            assertThat(announced.size()).isEqualTo(message.length());
            assertThat(wire.delivered()).isEqualTo(line.length()); // nothing of the message yet
            r.acceptLiteral();
            ReadResult.AppendData data = (ReadResult.AppendData) r.next();
            assertThat(data.message()).isEqualTo(incoming);
            assertThat(new String(data.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(message);
            assertThat(data.body().read()).isEqualTo(-1);
            ImapCommand.Append append = (ImapCommand.Append) command(r.next());
            assertThat(append.mailbox()).isEqualTo(new MailboxName("saved-messages"));
            assertThat(append.messages()).containsExactly(incoming.message());
            assertThatThrownBy(() -> data.body().read()).isInstanceOf(IOException.class);
        }

        @Test
        void multiappendMixesLiteralKindsAndReportsEachMessage() throws IOException {
            ImapCommandReader r = reader("a APPEND INBOX {3+}\r\nabc (\\Draft) {2}\r\n", "de ~{1+}\r\n\0\r\nb NOOP\r\n");
            ReadResult.AppendData first = (ReadResult.AppendData) r.next();
            assertThat(first.body().readAllBytes()).isEqualTo(bytes("abc"));
            ReadResult.LiteralAnnounced second = (ReadResult.LiteralAnnounced) r.next();
            assertThat(second.message().orElseThrow().index()).isEqualTo(1);
            assertThat(second.message().orElseThrow().message().flags()).containsExactly("\\Draft");
            r.acceptLiteral();
            assertThat(((ReadResult.AppendData) r.next()).body().readAllBytes()).isEqualTo(bytes("de"));
            ReadResult.AppendData third = (ReadResult.AppendData) r.next();
            assertThat(third.message().message().binary()).isTrue();
            assertThat(third.body().readAllBytes()).containsExactly(0);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Append("a", MailboxName.INBOX, List.of(
                    new AppendMessage(List.of(), Optional.empty(), 3, false),
                    new AppendMessage(List.of("\\Draft"), Optional.empty(), 2, false),
                    new AppendMessage(List.of(), Optional.empty(), 1, true))));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void aMailboxNameLiteralIsAnOrdinaryLiteral() throws IOException {
            ImapCommandReader r = reader("a APPEND {5}\r\n", "Inbox {1}\r\n", "x\r\n");
            assertThat(r.next()).isEqualTo(new ReadResult.LiteralAnnounced("a", "APPEND", 5, Optional.empty()));
            r.acceptLiteral();
            ReadResult.LiteralAnnounced message = (ReadResult.LiteralAnnounced) r.next();
            assertThat(message.message().orElseThrow().mailbox()).isEqualTo(MailboxName.INBOX);
            r.acceptLiteral();
            assertThat(((ReadResult.AppendData) r.next()).body().readAllBytes()).isEqualTo(bytes("x"));
            assertThat(command(r.next())).isInstanceOf(ImapCommand.Append.class);
        }

        @Test
        void messagesAreStreamedNeverBuffered() throws IOException {
            long size = 20_000_000;
            ImapLimits tight = LIMITS.withMaxCommandBytes(8192).withMaxLiteralBytes(1024);
            ImapCommandReader r = reader(tight, concat(ImapTestStreams.whole("a APPEND INBOX {" + size + "+}\r\n"),
                    ImapTestStreams.repeat((byte) 'm', size), ImapTestStreams.whole("\r\nb NOOP\r\n")));
            ReadResult.AppendData data = (ReadResult.AppendData) r.next();
            long total = 0;
            byte[] chunk = new byte[8192];
            for (int n; (n = data.body().read(chunk)) > 0; ) {
                total += n;
            }
            assertThat(total).isEqualTo(size);
            assertThat(r.commandBufferCapacity()).isLessThanOrEqualTo(8192);
            assertThat(command(r.next())).isInstanceOf(ImapCommand.Append.class);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void aSessionRefusingAMessageSimplyDoesNotReadIt() throws IOException {
            ImapCommandReader r = reader("a APPEND Nowhere {5+}\r\nhello\r\nb NOOP\r\n");
            assertThat(r.next()).isInstanceOf(ReadResult.AppendData.class);
            assertThat(command(r.next())).isInstanceOf(ImapCommand.Append.class); // the session answers NO [TRYCREATE]
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void aNonSynchronisingMessageOverTheAppendLimitIsDiscarded() throws IOException {
            ImapCommandReader r = reader(LIMITS.withMaxAppendBytes(10), ImapTestStreams.whole(
                    "a APPEND INBOX {20+}\r\n" + "b LOGOUT\r\n".repeat(2) + "\r\nc NOOP\r\n"));
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.MESSAGE_TOO_LARGE, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("c"));
        }

        @Test
        void aLiteral8MessageSplitAcrossReadsKeepsItsNulAndEightBitOctets() throws IOException {
            // RFC 3516 literal8, synchronising: announced as binary, then the body across tiny reads.
            byte[] body = {'a', 0, (byte) 0xff, '\r', '\n', 0};
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            wire.writeBytes(bytes("a APPEND INBOX ~{6}\r\n"));
            wire.writeBytes(body);
            wire.writeBytes(bytes("\r\n"));
            ImapCommandReader r = reader(LIMITS, ImapTestStreams.chunked(wire.toByteArray(), 3));
            ReadResult.LiteralAnnounced announced = (ReadResult.LiteralAnnounced) r.next();
            assertThat(announced.message().orElseThrow().message().binary()).isTrue();
            assertThat(announced.size()).isEqualTo(6);
            r.acceptLiteral();
            assertThat(((ReadResult.AppendData) r.next()).body().readAllBytes()).isEqualTo(body);
            assertThat(command(r.next())).isInstanceOf(ImapCommand.Append.class);
        }

        @Test
        void aLiteral8BodyIsStreamedAndALiteral8OverTheLimitOrOutsideAppendIsRefused() throws IOException {
            byte[] body = {'a', 0, (byte) 0xff, '\r', '\n', 0};
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            wire.writeBytes(bytes("a APPEND INBOX ~{6+}\r\n"));
            wire.writeBytes(body);
            wire.writeBytes(bytes("\r\nb APPEND INBOX ~{20+}\r\n" + "x".repeat(20) + "\r\nc LOGIN ~{1+}\r\nx y\r\nd NOOP\r\n"));
            ImapCommandReader r = reader(LIMITS.withMaxAppendBytes(10), ImapTestStreams.chunked(wire.toByteArray(), 2));
            ReadResult.AppendData data = (ReadResult.AppendData) r.next();
            assertThat(data.message().message().binary()).isTrue();
            assertThat(data.body().readAllBytes()).isEqualTo(body);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Append("a", MailboxName.INBOX,
                    List.of(new AppendMessage(List.of(), Optional.empty(), 6, true))));
            assertThat(rejected(r.next()).refusal()).isEqualTo(Refusal.MESSAGE_TOO_LARGE);
            assertThat(rejected(r.next()).refusal()).isEqualTo(Refusal.SYNTAX);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("d"));
        }

        @Test
        void preAuthenticationLimitsAllowNoAppendAtAll() throws IOException {
            ImapCommandReader r = reader(ImapLimits.preAuthentication(), ImapTestStreams.whole(
                    "a APPEND INBOX {1}\r\nb LOGIN alice {2000}\r\nc LOGIN alice {1024}\r\n"));
            assertThat(rejected(r.next()).refusal()).isEqualTo(Refusal.MESSAGE_TOO_LARGE);
            assertThat(rejected(r.next()).refusal()).isEqualTo(Refusal.LITERAL_TOO_LARGE);
            assertThat(r.next()).isInstanceOf(ReadResult.LiteralAnnounced.class);
            r.refuseLiteral();
            r.useLimits(LIMITS);
        }

        @Test
        void malformedAppendsAreRefusedAndTheirMessagesDiscarded() throws IOException {
            ImapCommandReader sync = reader("a APPEND INBOX (\\Recent) {5}\r\n", "b NOOP\r\n");
            assertThat(sync.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.SYNTAX, false));
            assertThat(command(sync.next())).isEqualTo(new ImapCommand.Noop("b"));
            ImapCommandReader nonSync = reader("a APPEND INBOX \"bad date\" {8+}\r\nc LOGOUT\r\nb NOOP\r\n");
            assertThat(nonSync.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.INVALID_DATE, false));
            assertThat(command(nonSync.next())).isEqualTo(new ImapCommand.Noop("b"));
            ImapCommandReader mailbox = reader("a APPEND \"caf\u00e9\" {1+}\r\nx\r\nb NOOP\r\n");
            assertThat(rejected(mailbox.next()).refusal()).isEqualTo(Refusal.INVALID_MAILBOX_NAME);
            assertThat(command(mailbox.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void garbageAfterAMessageRejectsTheWholeAppend() throws IOException {
            ImapCommandReader r = reader("a APPEND INBOX {1+}\r\nx junk\r\nb NOOP\r\n");
            assertThat(r.next()).isInstanceOf(ReadResult.AppendData.class);
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.SYNTAX, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void theNumberOfMessagesInOneAppendIsBounded() throws IOException {
            ImapCommandReader r = reader(LIMITS.withMaxMessagesPerAppend(2), ImapTestStreams.whole(
                    "a APPEND INBOX {1+}\r\nx {1+}\r\ny {1+}\r\nz\r\nb NOOP\r\n"));
            assertThat(r.next()).isInstanceOf(ReadResult.AppendData.class);
            assertThat(r.next()).isInstanceOf(ReadResult.AppendData.class);
            assertThat(r.next()).isEqualTo(new ReadResult.Rejected(Optional.of("a"), Refusal.TOO_MANY_MESSAGES, false));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void aDisconnectInsideAMessageIsAnEndOfStream() throws IOException {
            ImapCommandReader r = reader("a APPEND INBOX {100+}\r\nonly a little");
            ReadResult.AppendData data = (ReadResult.AppendData) r.next();
            assertThatThrownBy(() -> data.body().readAllBytes()).isInstanceOf(EOFException.class);
            assertThat(r.next()).isInstanceOf(ReadResult.EndOfStream.class);
        }
    }

    @Nested
    class ContinuationLines {
        @Test
        void saslResponses() throws IOException {
            ImapCommandReader r = reader("a AUTHENTICATE PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\n*\r\n\r\n!!\r\nb NOOP\r\n");
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Authenticate("a", "PLAIN", Optional.empty()));
            SaslResponse data = r.readSaslResponse();
            assertThat(data).isEqualTo(new SaslResponse.Data(bytes("\0alice\0secret")));
            assertThat(data.toString()).doesNotContain("alice");
            assertThat(r.readSaslResponse()).isEqualTo(new SaslResponse.Cancelled());
            assertThat(r.readSaslResponse()).isEqualTo(new SaslResponse.Data(new byte[0]));
            assertThat(r.readSaslResponse()).isEqualTo(new SaslResponse.Invalid(Refusal.INVALID_BASE64));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
            assertThat(r.readSaslResponse()).isEqualTo(new SaslResponse.EndOfStream());
        }

        @Test
        void saslResponsesAreBounded() throws IOException {
            ImapCommandReader r = reader("A".repeat(20_000) + "\r\nAAAA\nb NOOP\r\n");
            assertThat(r.readSaslResponse()).isEqualTo(new SaslResponse.Invalid(Refusal.LINE_TOO_LONG));
            assertThat(r.readSaslResponse()).isEqualTo(new SaslResponse.Invalid(Refusal.BARE_LINE_FEED));
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }

        @Test
        void idleEndsWithDoneOnly() throws IOException {
            ImapCommandReader r = reader("a IDLE\r\ndone\r\nb IDLE\r\nc NOOP\r\nd NOOP\r\n");
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Idle("a"));
            assertThat(r.readIdleEnd()).isEqualTo(IdleEnd.DONE);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Idle("b"));
            assertThat(r.readIdleEnd()).isEqualTo(IdleEnd.NOT_DONE);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("d"));
            assertThat(r.readIdleEnd()).isEqualTo(IdleEnd.END_OF_STREAM);
        }

        @Test
        void continuationLinesAreNotReadInTheMiddleOfACommand() throws IOException {
            ImapCommandReader r = reader("a LOGIN {5}\r\n");
            r.next();
            assertThatThrownBy(r::readSaslResponse).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(r::readIdleEnd).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Sessions {
        @Test
        void commandsPipelinedBehindStartTlsAreDiscardedWhenTheInputIsRetired() throws IOException {
            ImapInput plain = new ImapInput(ImapTestStreams.whole("a STARTTLS\r\nb LOGIN alice secret\r\n"), LIMITS);
            ImapCommandReader r = new ImapCommandReader(plain, LIMITS);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.StartTls("a"));
            assertThat(plain.hasBufferedInput()).isTrue();
            assertThat(plain.retire()).isEqualTo("b LOGIN alice secret\r\n".length());
            assertThat(plain.isRetired()).isTrue();
            assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class);
            ImapInput tls = new ImapInput(ImapTestStreams.whole("c CAPABILITY\r\n"), LIMITS);
            assertThat(command(new ImapCommandReader(tls, LIMITS).next())).isEqualTo(new ImapCommand.Capability("c"));
        }

        @Test
        void utf8ModeChangesHowMailboxNamesAreRead() throws IOException {
            byte[] wire = "a SELECT \"caf\u00e9\"\r\nb SELECT \"caf\u00e9\"\r\n".getBytes(StandardCharsets.UTF_8);
            ImapCommandReader r = reader(LIMITS, new ByteArrayInputStream(wire));
            assertThat(rejected(r.next()).refusal()).isEqualTo(Refusal.INVALID_MAILBOX_NAME);
            r.setUtf8(true);
            assertThat(r.isUtf8()).isTrue();
            assertThat(((ImapCommand.Select) command(r.next())).mailbox()).isEqualTo(new MailboxName("caf\u00e9"));
        }

        @Test
        void theCommandBufferShrinksAfterALargeCommand() throws IOException {
            String big = "x".repeat(60_000);
            ImapCommandReader r = reader("a LOGIN alice {60000+}\r\n" + big + "\r\nb NOOP\r\n");
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Login("a", "alice", big));
            assertThat(r.commandBufferCapacity()).isEqualTo(512);
            assertThat(command(r.next())).isEqualTo(new ImapCommand.Noop("b"));
        }
    }
}

package org.postern.server.e2e;

import org.postern.mta.checks.LoopbackDns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.server.e2e.Deployment.Mail;
import org.postern.server.e2e.SmtpConnection.Reply;

/**
 * Where the byte stream could be read two ways, the MX must read it one way only: SMTP smuggling
 * (end-of-data look-alikes hiding a second transaction), dot-stuffing, STARTTLS command injection
 * and message data sent before the 354. Raw sockets, so every byte is the test's choice; one
 * server for the class.
 */
class SmtpSmugglingE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String VICTIM = "victim@example.test";
    private static final String SENDER = "news@sender.test";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain("example.test").user(ALICE).user(VICTIM);
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    static Stream<Arguments> endOfDataLookAlikes() {
        return Stream.of(
                Arguments.of("LF.CRLF", "\n.\r\n"),
                Arguments.of("CR.CRLF", "\r.\r\n"),
                Arguments.of("CRLF.CR", "\r\n.\r"),
                Arguments.of("LF.LF", "\n.\n"),
                Arguments.of("CRLF.LF", "\r\n.\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endOfDataLookAlikes")
    void aSmuggledTransactionBehindAnEndOfDataLookAlikeIsNeverStored(String name, String lookAlike) throws Exception {
        String outerId = TestMessages.newMessageId("sender.test");
        String smuggledId = TestMessages.newMessageId("sender.test");
        int aliceBefore = Deployment.messages(postern.dataDir(), ALICE, "INBOX").size();
        String followUpId = TestMessages.newMessageId("sender.test");
        String smuggling = new String(TestMessages.message(SENDER, ALICE, outerId, "Outer", "Nothing to see here."),
                StandardCharsets.UTF_8)
                + lookAlike
                + "MAIL FROM:<ceo@sender.test>\r\n"
                + "RCPT TO:<" + VICTIM + ">\r\n"
                + "DATA\r\n"
                + new String(TestMessages.message("ceo@sender.test", VICTIM, smuggledId, "Smuggled", "Wire the money.\r\n"),
                        StandardCharsets.UTF_8)
                + "\r\n.\r\n";

        int honestMessages = 0;
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            c.command("RCPT TO:<" + ALICE + ">").require(250);
            c.command("DATA").require(354);
            c.write(smuggling);
            Optional<Reply> verdict = replyOrClosed(c);
            if (verdict.isPresent()) {
                assertThat(verdict.get().code()).as("reply to the whole section").isEqualTo(550);
                assertThat(verdict.get().enhanced()).isEqualTo("5.6.11");
                // No reply to any smuggled command is waiting: the next one answers our NOOP.
                assertThat(c.command("NOOP")).isEqualTo(new Reply(250, List.of("2.0.0 OK")));
                // And the session is still in step: an honest message goes through.
                Reply honest = c.send(SENDER, ALICE,
                        TestMessages.message(SENDER, ALICE, followUpId, "Honest", "Just this.\r\n"));
                assertThat(honest.code()).isEqualTo(250);
                honestMessages++;
            }
        }

        List<Mail> alice = Deployment.messages(postern.dataDir(), ALICE, "INBOX");
        assertThat(alice).extracting(Mail::messageId).doesNotContain(outerId, smuggledId);
        assertThat(alice).hasSize(aliceBefore + honestMessages);
        assertThat(Deployment.messages(postern.dataDir(), VICTIM, "INBOX")).isEmpty();
        Launcher.Result list = postern.run("mail", "list", VICTIM);
        ok(list);
        assertThat(list.out()).as("the smuggled message's recipient got nothing").isBlank();
    }

    @Test
    void aDotStuffedLineIsStoredWithItsDotUnstuffed() throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        String wire = new String(TestMessages.message(SENDER, ALICE, id, "Dots", ""), StandardCharsets.UTF_8)
                + "..leading dot\r\n"
                + "...two leading dots\r\n"
                + ". \r\n"
                + "middle . dot\r\n"
                + ".\r\n";
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            c.command("RCPT TO:<" + ALICE + ">").require(250);
            c.command("DATA").require(354);
            c.write(wire);
            c.reply().require(250);
        }
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        String text = stored.text();
        assertThat(text.substring(text.indexOf("\r\n\r\n") + 4))
                .isEqualTo(".leading dot\r\n..two leading dots\r\n \r\nmiddle . dot\r\n");
    }

    @Test
    void commandsInjectedBehindStartTlsAreNeverAnswered() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            // One write: the RSET arrives in the clear, in the same segment as STARTTLS.
            c.write("STARTTLS\r\nRSET\r\n");
            c.reply().require(220);
            c.upgradeToTls();
            Reply first = c.command("EHLO client.sender.test");
            assertThat(first.code()).isEqualTo(250);
            assertThat(first.lines().getFirst()).as("the first reply over TLS answers our EHLO, not the injected RSET")
                    .startsWith("mx.test.example");
            assertThat(first.lines()).contains("PIPELINING").doesNotContain("STARTTLS");
            assertThat(c.command("NOOP")).isEqualTo(new Reply(250, List.of("2.0.0 OK")));
        }
    }

    @Test
    void messageDataSentBeforeThe354IsRefusedAndTheConnectionClosed() throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            c.command("RCPT TO:<" + ALICE + ">").require(250);
            byte[] early = SmtpConnection.dataSection(TestMessages.message(SENDER, ALICE, id, "Too early", "Hi.\r\n"));
            c.write("DATA\r\n" + new String(early, StandardCharsets.UTF_8));
            Reply r = c.reply();
            assertThat(r.code()).isEqualTo(554);
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(Deployment.find(postern.dataDir(), ALICE, "INBOX", id)).isEmpty();
    }

    /** The next reply, or empty if the server closed the connection instead. */
    private static Optional<Reply> replyOrClosed(SmtpConnection c) throws IOException {
        try {
            return Optional.of(c.reply());
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}

package org.postern.server.e2e;

import org.postern.mta.checks.LoopbackDns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.Deployment.Mail;
import org.postern.server.e2e.SmtpConnection.Reply;

/**
 * The MX port of a real {@code ./postern serve}, driven by Python's smtplib, swaks and raw
 * sockets: delivery, the envelope checks at RCPT, the command state machine, the limits and the
 * headers of what gets stored.
 *
 * <p>Two servers are shared by the tests of this class (a server start costs seconds): one with
 * the default limits, and one with tight limits whose tests each connect from their own loopback
 * address (127.0.0.x), so that the per-address budgets of one test are not spent by another.
 */
class SmtpInboundE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String ALICE = "alice@example.test";
    private static final String CAROL = "carol@example.test";
    private static final String HAPPY = "happy@example.test";
    private static final String SENDER = "news@sender.test";
    private static final long TIGHT_MAX_MESSAGE_BYTES = 2048;

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;
    static Launcher tightPostern;
    static RunningServer tight;

    @BeforeAll
    static void startServers() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).user(ALICE).user(HAPPY).user("bob@example.test")
                    .address(ALICE, "gift@example.test").address(ALICE, "shop@example.test")
                    .revoke("shop@example.test").disable("bob@example.test");
        }
        tightPostern = new Launcher(tmp.resolve("tight")).env("POSTERN_DNS_SERVERS", dns.serverSpec())
                .env("POSTERN_MAX_MESSAGE_BYTES", "2KiB")
                .env("POSTERN_SMTP_MAX_RECIPIENTS", "2")
                .env("POSTERN_SMTP_MESSAGES_PER_MINUTE_PER_IP", "2")
                .env("POSTERN_SMTP_MAX_CONNECTIONS_PER_IP", "2");
        try (Deployment d = Deployment.open(tightPostern.dataDir())) {
            d.domain(DOMAIN).user(ALICE).user(CAROL);
        }
        CompletableFuture<RunningServer> tightStart = CompletableFuture.supplyAsync(() -> {
            try {
                return RunningServer.start(tightPostern, RunningServer.MX_HOSTNAME);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
        tight = tightStart.join();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (server != null) {
            server.close();
        }
        if (tight != null) {
            tight.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static int port() {
        return server.smtpPort();
    }

    // ---- delivery ----------------------------------------------------------------------------

    @Test
    void pythonSmtplibDeliversAndTheMessageIsListedAndTheStoreVerifies() throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        Path msg = tmp.resolve("smtplib.eml");
        Files.write(msg, TestMessages.message(SENDER, HAPPY, id, "Hello from smtplib", "Plain words.\r\n"));
        String script = String.join("\n",
                "import smtplib, sys",
                "host, port, sender, rcpt, path = sys.argv[1:6]",
                "s = smtplib.SMTP(host, int(port), local_hostname='client.sender.test', timeout=60)",
                "print('ehlo', s.ehlo()[0])",
                "print('mail', s.mail(sender)[0])",
                "print('rcpt', s.rcpt(rcpt)[0])",
                "code, text = s.data(open(path, 'rb').read())",
                "print('data', code, text.decode())",
                "s.quit()");
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(90), null, List.of(ExternalTool.PYTHON, "-c", script,
                "127.0.0.1", String.valueOf(port()), SENDER, HAPPY, msg.toString()));
        ok(r);
        assertThat(r.out()).contains("ehlo 250", "mail 250", "rcpt 250").containsPattern("data 250 2\\.0\\.0 OK queued as \\w+");

        Launcher.Result list = postern.run("mail", "list", HAPPY);
        ok(list);
        assertThat(list.out().strip().lines()).singleElement().asString().matches("1\t\\S+\t\\d+.*");
        Launcher.Result verify = postern.run("store", "verify");
        ok(verify);
        assertThat(verify.out()).contains(" 0 failed");
        assertThat(Deployment.find(postern.dataDir(), HAPPY, "INBOX", id)).isPresent();
    }

    @Test
    void swaksDeliversOverStartTls() {
        String id = TestMessages.newMessageId("sender.test");
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(90), null, List.of("swaks", "--server", "127.0.0.1",
                "--port", String.valueOf(port()), "--helo", "client.sender.test", "--from", SENDER, "--to", ALICE,
                "--tls", "--timeout", "60", "--header", "Message-Id: <" + id + ">", "--header", "Subject: over TLS"));
        ok(r);
        assertThat(r.out()).contains("<-  220 2.0.0 Ready to start TLS").contains("=== TLS started")
                .containsPattern("<~  250 2\\.0\\.0 OK queued as \\w+");
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        assertThat(stored.headerFields()).anyMatch(f -> f.startsWith("Received: from client.sender.test ([127.0.0.1])")
                && f.contains("by mx.test.example (Postern) with ESMTPS id "));
    }

    @Test
    void ehloAdvertisesTheExtensionsOfAnMxAndStartTlsOnlyBeforeTls() throws Exception {
        try (SmtpConnection c = SmtpConnection.open(port())) {
            assertThat(c.expect(220).text()).startsWith("mx.test.example ");
            Reply ehlo = c.command("EHLO client.sender.test").require(250);
            assertThat(ehlo.lines().getFirst()).startsWith("mx.test.example");
            assertThat(ehlo.lines()).contains("PIPELINING", "SIZE 36700160", "8BITMIME", "ENHANCEDSTATUSCODES",
                    "SMTPUTF8", "CHUNKING", "STARTTLS");
            assertThat(ehlo.lines()).noneMatch(l -> l.startsWith("AUTH"));
            c.startTls();
            Reply again = c.command("EHLO client.sender.test").require(250);
            assertThat(again.lines()).contains("PIPELINING", "CHUNKING").doesNotContain("STARTTLS");
        }
    }

    @Test
    void bdatChunksAreDelivered() throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        byte[] message = TestMessages.message(SENDER, ALICE, id, "In chunks", "First line.\r\n.a line with a dot\r\n");
        int split = message.length / 2;
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            c.command("RCPT TO:<" + ALICE + ">").require(250);
            c.write("BDAT " + split + "\r\n");
            c.write(Arrays.copyOfRange(message, 0, split));
            assertThat(c.reply().require(250).text()).contains(split + " octets");
            c.write("BDAT " + (message.length - split) + " LAST\r\n");
            c.write(Arrays.copyOfRange(message, split, message.length));
            assertThat(c.reply().require(250).text()).startsWith("2.0.0 OK queued as");
            c.command("QUIT").require(221);
        }
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        // BDAT is not dot-stuffed: the content arrives byte for byte behind our two header fields.
        assertThat(stored.text()).endsWith(new String(message, StandardCharsets.UTF_8));
        assertThat(stored.headerFields()).anyMatch(f -> f.startsWith("Received: ") && f.contains(" with ESMTP id "));
    }

    @Test
    void theStoredMessageStartsWithOurHeadersAndAForgedResultsHeaderIsRemoved() throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        String forged = "Authentication-Results: mx.test.example; dkim=pass header.d=bank.test\r\n";
        String foldedForged = "Authentication-Results: MX.TEST.EXAMPLE.;\r\n\tspf=pass smtp.mailfrom=bank.test\r\n";
        String foreign = "Authentication-Results: relay.elsewhere.test; spf=pass smtp.mailfrom=sender.test\r\n";
        byte[] message = TestMessages.message(forged + foldedForged + foreign, SENDER, ALICE, id, "Trust me", "Hi.\r\n");
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            assertThat(c.send(SENDER, ALICE, message).code()).isEqualTo(250);
        }
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        List<String> fields = stored.headerFields();
        List<String> top = fields.subList(0, 2);
        assertThat(top).anyMatch(f -> f.startsWith("Received: from client.sender.test ([127.0.0.1]) by mx.test.example"));
        assertThat(top).anyMatch(f -> f.startsWith("Authentication-Results: mx.test.example;")
                && f.contains("spf=pass smtp.mailfrom=sender.test"));
        List<String> ours = fields.stream().filter(f -> f.regionMatches(true, 0, "Authentication-Results:", 0, 23))
                .filter(f -> f.toLowerCase(Locale.ROOT).contains("mx.test.example")).toList();
        assertThat(ours).as("only the Authentication-Results we wrote claim our name").hasSize(1);
        assertThat(stored.text()).doesNotContain("header.d=bank.test").doesNotContain("smtp.mailfrom=bank.test")
                .contains(foreign);
    }

    // ---- recipients --------------------------------------------------------------------------

    @Test
    void anUnknownRecipientIsRefusedAtRcptBeforeAnyData() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            Reply r = c.command("RCPT TO:<nobody@example.test>");
            assertThat(r.code()).isEqualTo(550);
            assertThat(r.enhanced()).isEqualTo("5.1.1");
            // With no accepted recipient there is no DATA to send.
            assertThat(c.command("DATA").code()).isEqualTo(554);
        }
    }

    @Test
    void aRevokedAddressIsRefusedAtRcptWhileAnActiveAliasIsAccepted() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            Reply revoked = c.command("RCPT TO:<shop@example.test>");
            assertThat(revoked.code()).isEqualTo(550);
            assertThat(revoked.enhanced()).isEqualTo("5.1.1");
            Reply unknown = c.command("RCPT TO:<never-existed@example.test>");
            assertThat(revoked.text()).as("a revoked address looks like one that never existed")
                    .isEqualTo(unknown.text());
            c.command("RCPT TO:<gift@example.test>").require(250);
        }
    }

    @Test
    void aDisabledUsersAddressIsRefused() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            Reply r = c.command("RCPT TO:<bob@example.test>");
            assertThat(r.code()).isEqualTo(550);
            assertThat(r.enhanced()).isEqualTo("5.1.1");
        }
    }

    @Test
    void anUnhostedDomainIsNeverRelayed() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            Reply r = c.command("RCPT TO:<someone@elsewhere.test>");
            assertThat(r.code()).isEqualTo(554);
            assertThat(r.enhanced()).isEqualTo("5.7.1");
        }
    }

    // ---- commands ----------------------------------------------------------------------------

    @Test
    void mailBeforeEhloIsABadSequenceAndSoAreRcptAndDataBeforeMail() throws Exception {
        try (SmtpConnection c = SmtpConnection.open(port())) {
            c.expect(220);
            assertThat(c.command("MAIL FROM:<" + SENDER + ">").code()).isEqualTo(503);
            c.command("EHLO client.sender.test").require(250);
            assertThat(c.command("RCPT TO:<" + ALICE + ">").code()).isEqualTo(503);
            assertThat(c.command("DATA").code()).isEqualTo(503);
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            assertThat(c.command("MAIL FROM:<" + SENDER + ">").code()).as("nested MAIL").isEqualTo(503);
        }
    }

    @Test
    void malformedMailFromAndRcptToGetSyntaxReplies() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            assertThat(c.command("MAIL FROM:<not an address>")).extracting(Reply::code).isEqualTo(501);
            assertThat(c.command("MAIL FROM:<" + SENDER)).extracting(Reply::code).isEqualTo(501);
            assertThat(c.command("MAIL TO:<" + SENDER + ">")).extracting(Reply::code).isEqualTo(501);
            assertThat(c.command("MAIL FROM:<" + SENDER + "> X-UNKNOWN=1")).extracting(Reply::code).isEqualTo(555);
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            assertThat(c.command("RCPT TO:<@route.test:>")).extracting(Reply::code).isEqualTo(501);
            assertThat(c.command("RCPT TO:<alice@@example.test>")).extracting(Reply::code).isEqualTo(501);
            assertThat(c.command("RCPT TO:<" + ALICE + "> X-UNKNOWN=1")).extracting(Reply::code).isEqualTo(555);
            // After the bad ones, the transaction still works.
            c.command("RCPT TO:<" + ALICE + ">").require(250);
        }
    }

    @Test
    void vrfyDisclosesNothingAndExpnIsNotImplemented() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            Reply existing = c.command("VRFY " + ALICE);
            Reply missing = c.command("VRFY nobody@example.test");
            assertThat(existing.code()).isEqualTo(252);
            assertThat(existing).isEqualTo(missing);
            assertThat(existing.text()).doesNotContain("alice");
            assertThat(c.command("EXPN staff@example.test").code()).isEqualTo(502);
        }
    }

    @Test
    void tooManyBadCommandsCloseTheConnection() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port())) {
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                codes.add(c.command("FROB " + i).code());
            }
            assertThat(codes).containsOnly(500);
            Reply last = c.command("FROB 9");
            assertThat(last.code()).isEqualTo(421);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    // ---- limits (the tight server; one source address per test) -------------------------------

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedAtMail() throws Exception {
        try (SmtpConnection c = SmtpConnection.open(tight.smtpPort(), "127.0.0.11")) {
            c.expect(220);
            assertThat(c.command("EHLO client.sender.test").lines()).contains("SIZE " + TIGHT_MAX_MESSAGE_BYTES);
            Reply r = c.command("MAIL FROM:<" + SENDER + "> SIZE=" + (TIGHT_MAX_MESSAGE_BYTES + 1));
            assertThat(r.code()).isEqualTo(552);
            assertThat(r.enhanced()).isEqualTo("5.3.4");
            c.command("MAIL FROM:<" + SENDER + "> SIZE=" + TIGHT_MAX_MESSAGE_BYTES).require(250);
        }
    }

    @Test
    void dataOverTheLimitIsRefusedAndNothingIsStored() throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        byte[] big = TestMessages.message(SENDER, ALICE, id, "Too big", ("z".repeat(70) + "\r\n").repeat(40));
        assertThat(big.length).isGreaterThan((int) TIGHT_MAX_MESSAGE_BYTES);
        try (SmtpConnection c = SmtpConnection.ready(tight.smtpPort(), "127.0.0.12")) {
            Reply r = c.send(SENDER, ALICE, big);
            assertThat(r.code()).isEqualTo(552);
            assertThat(r.enhanced()).isEqualTo("5.3.4");
            // The session is still in step with the client.
            c.command("NOOP").require(250);
        }
        assertThat(Deployment.messages(tightPostern.dataDir(), ALICE, "INBOX")).noneMatch(m -> m.messageId().equals(id));
    }

    @Test
    void theThirdRecipientOfAMessageGetsTooManyRecipients() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(tight.smtpPort(), "127.0.0.13")) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            c.command("RCPT TO:<" + ALICE + ">").require(250);
            c.command("RCPT TO:<" + CAROL + ">").require(250);
            Reply third = c.command("RCPT TO:<" + ALICE + ">");
            assertThat(third.code()).isEqualTo(452);
            assertThat(third.enhanced()).isEqualTo("4.5.3");
        }
    }

    @Test
    void theThirdMessageInAMinuteFromOneAddressIsDeferred() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(tight.smtpPort(), "127.0.0.14")) {
            for (int i = 0; i < 2; i++) {
                c.command("MAIL FROM:<" + SENDER + ">").require(250);
                c.command("RSET").require(250);
            }
            Reply third = c.command("MAIL FROM:<" + SENDER + ">");
            assertThat(third.code()).isEqualTo(450);
            assertThat(third.enhanced()).isEqualTo("4.7.1");
        }
        // The budget is per client address.
        try (SmtpConnection other = SmtpConnection.ready(tight.smtpPort(), "127.0.0.15")) {
            other.command("MAIL FROM:<" + SENDER + ">").require(250);
        }
    }

    @Test
    void theThirdConcurrentConnectionFromOneAddressIsRefused() throws Exception {
        String from = "127.0.0.16";
        try (SmtpConnection first = SmtpConnection.open(tight.smtpPort(), from);
                SmtpConnection second = SmtpConnection.open(tight.smtpPort(), from)) {
            first.expect(220);
            second.expect(220);
            try (SmtpConnection third = SmtpConnection.open(tight.smtpPort(), from)) {
                Reply r = third.reply();
                assertThat(r.code()).isEqualTo(421);
                assertThat(third.closedByServer()).isTrue();
            }
            first.command("QUIT").require(221);
        }
        // Once the others have gone, the address may connect again.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            try (SmtpConnection again = SmtpConnection.open(tight.smtpPort(), from)) {
                assertThat(again.reply().code()).isEqualTo(220);
            }
        });
    }
}

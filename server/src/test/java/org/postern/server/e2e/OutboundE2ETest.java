package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.model.Role;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;

/**
 * Outbound delivery between real servers on loopback: submission on a first Postern (587, Python
 * smtplib), the outbound queue and its workers, routed by {@code POSTERN_OUTBOUND_TRANSPORT} to a
 * second Postern's MX (the message read back from the receiver's store), and to a small Python
 * SMTP receiver that answers 451 before accepting, 550, or is not running yet. A 5xx brings an
 * RFC 3464 DSN into the sender's INBOX (parsed by Python's email module); the queue survives
 * kill -9; unauthenticated relay through the MX port is refused.
 */
class OutboundE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@example.test";
    private static final String RITA = "rita@remote.test";
    private static final String ROOT = "root@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Path RECEIVER = Launcher.REPO.resolve("server/src/test/resources/e2e/smtp_receiver.py");

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher sender;
    static Launcher receiver;
    static RunningServer senderServer;
    static RunningServer receiverServer;
    static Process flaky;
    static Path flakyDir;
    static int downPort;
    static int stuckPort;
    static final List<Process> extra = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().txt("example.test", "v=spf1 ip4:127.0.0.1 -all").start();
        receiver = new Launcher(tmp.resolve("receiver"))
                .env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(receiver.dataDir())) {
            d.domain("remote.test").user(RITA);
        }
        receiverServer = RunningServer.start(receiver, "mx.remote.test");

        flakyDir = Files.createDirectories(tmp.resolve("flaky"));
        flaky = receiverProcess(0, flakyDir);
        int flakyPort = listeningPort(flaky);
        downPort = freePort();
        stuckPort = freePort();

        sender = new Launcher(tmp.resolve("sender"))
                .env("POSTERN_DNS_SERVERS", dns.serverSpec())
                .env("POSTERN_OUTBOUND_TRANSPORT", "remote.test=127.0.0.1:" + receiverServer.smtpPort()
                        + ",flaky.test=127.0.0.1:" + flakyPort + ",down.test=[127.0.0.1]:" + downPort
                        + ",stuck.test=127.0.0.1:" + stuckPort)
                .env("POSTERN_OUTBOUND_RETRY_BASE", "1s")
                .env("POSTERN_OUTBOUND_RETRY_MAX", "2s");
        try (Deployment d = Deployment.open(sender.dataDir())) {
            d.domain("example.test").user(ALICE).user(BOB).user(ROOT, Role.SERVER_ADMIN);
        }
        senderServer = RunningServer.start(sender, "mail.example.test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (senderServer != null) {
            senderServer.close();
        }
        if (receiverServer != null) {
            receiverServer.close();
        }
        for (Process p : extra) {
            p.destroyForcibly();
        }
        if (flaky != null) {
            flaky.destroyForcibly();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static Process receiverProcess(int port, Path dir) throws IOException {
        Process p = new ProcessBuilder(ExternalTool.PYTHON, RECEIVER.toString(), Integer.toString(port), dir.toString())
                .redirectErrorStream(true).start();
        extra.add(p);
        return p;
    }

    private static int listeningPort(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).as("receiver start-up").startsWith("listening ");
        return Integer.parseInt(line.substring("listening ".length()).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** smtplib on 587: STARTTLS, login, one message; prints the reply to DATA or the refusal. */
    private static final String SEND = """
            import smtplib, ssl, sys
            port, user, pw, mail_from, rcpts, message = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = smtplib.SMTP('127.0.0.1', port, local_hostname='laptop.example.test')
            s.starttls(context=ctx)
            s.login(user, pw)
            s.mail(mail_from)
            for r in rcpts.split(','):
                code, text = s.rcpt(r)
                print('rcpt', r, code, text.decode())
            code, text = s.data(message.replace('\\n', '\\r\\n').encode())
            print('data', code, text.decode())
            s.quit()
            """;

    private static String send(List<String> to, String subject) {
        String message = "From: " + ALICE + "\nTo: " + String.join(", ", to) + "\nBcc: hidden@remote.test\nSubject: "
                + subject + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nHello from the outbound queue.\n"
                + ".a line that starts with a dot\n";
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(90), null, List.of(ExternalTool.PYTHON, "-c", SEND,
                Integer.toString(senderServer.port("submission")), ALICE, PASSWORD, ALICE, String.join(",", to), message));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).contains("data 250");
        for (String rcpt : to) {
            assertThat(r.out()).as(r.toString()).contains("rcpt " + rcpt + " 250");
        }
        return r.out();
    }

    private static List<Deployment.Mail> withSubject(Path dataDir, String login, String mailbox, String needle) {
        return Deployment.messages(dataDir, login, mailbox).stream()
                .filter(m -> new String(m.raw(), StandardCharsets.UTF_8).contains(needle)).toList();
    }

    private static void await(Duration atMost, org.awaitility.core.ThrowingRunnable assertion) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(300)).untilAsserted(assertion);
    }

    @Test
    void aRemoteRecipientIsQueuedAndDeliveredToTheSecondPosternWhileLocalOnesStayLocal() {
        send(List.of(RITA, BOB), "to the second postern");
        await(Duration.ofSeconds(60), () -> assertThat(withSubject(receiver.dataDir(), RITA, "INBOX",
                "Subject: to the second postern")).hasSize(1));
        String received = new String(withSubject(receiver.dataDir(), RITA, "INBOX", "Subject: to the second postern")
                .getFirst().raw(), StandardCharsets.UTF_8);
        assertThat(received).contains("Hello from the outbound queue.\r\n.a line that starts with a dot\r\n")
                .contains("Message-ID: <").contains("Date: ").doesNotContain("Bcc:").doesNotContain("hidden@");
        // SPF passed at the receiver: it came from 127.0.0.1, which example.test's record allows.
        assertThat(received).contains("spf=pass");
        // Local recipients and the Sent copy went through Intake, never the network.
        assertThat(withSubject(sender.dataDir(), BOB, "INBOX", "Subject: to the second postern")).hasSize(1);
        assertThat(withSubject(sender.dataDir(), ALICE, "Sent", "Subject: to the second postern")).hasSize(1);
        // Delivered and finished: the queue no longer holds it.
        await(Duration.ofSeconds(30), () -> assertThat(queueList()).doesNotContain("rita@remote.test"));
    }

    @Test
    void aTemporaryRefusalIsRetriedWithBackoffUntilAccepted() throws Exception {
        send(List.of("later1@flaky.test"), "greylisted");
        await(Duration.ofSeconds(60), () -> assertThat(receivedBy(flakyDir, "later1@flaky.test")).isNotEmpty());
        List<String> log = Files.readAllLines(flakyDir.resolve("log"));
        assertThat(log).contains("451 later1@flaky.test attempt 1", "451 later1@flaky.test attempt 2",
                "250 later1@flaky.test attempt 3");
        assertThat(receivedBy(flakyDir, "later1@flaky.test").getFirst()).contains("Subject: greylisted");
    }

    @Test
    void aPermanentRefusalBringsADeliveryStatusNotificationIntoTheSendersInbox() {
        send(List.of("refuse1@flaky.test"), "will bounce");
        await(Duration.ofSeconds(60), () -> assertThat(withSubject(sender.dataDir(), ALICE, "INBOX",
                "Undelivered Mail Returned to Sender")).isNotEmpty());
        byte[] dsn = withSubject(sender.dataDir(), ALICE, "INBOX", "refuse1@flaky.test").getFirst().raw();
        String parse = """
                import email, sys
                m = email.message_from_bytes(sys.stdin.buffer.read())
                assert m.get_content_type() == 'multipart/report', m.get_content_type()
                assert m.get_param('report-type') == 'delivery-status'
                human, status, headers = m.get_payload()
                assert status.get_content_type() == 'message/delivery-status'
                blocks = status.get_payload()
                print('reporting', blocks[0]['Reporting-MTA'])
                r = blocks[1]
                for f in ('Final-Recipient', 'Action', 'Status', 'Remote-MTA', 'Diagnostic-Code'):
                    print(f, '=', r[f])
                assert headers.get_content_type() == 'text/rfc822-headers'
                print('original-subject', 'Subject: will bounce' in headers.get_payload())
                print('to', m['To'])
                """;
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(30), dsn, List.of(ExternalTool.PYTHON, "-c", parse));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("reporting dns; mail.example.test")
                .contains("Final-Recipient = rfc822; refuse1@flaky.test")
                .contains("Action = failed")
                .contains("Status = 5.1.1")
                .contains("Remote-MTA = dns; 127.0.0.1")
                .contains("Diagnostic-Code = smtp; 550 5.1.1 <refuse1@flaky.test>: Recipient address rejected")
                .contains("original-subject True")
                .contains("to <" + ALICE + ">");
    }

    @Test
    void aReceiverThatIsDownIsRetriedAndTheQueueSurvivesKillDashNine() throws Exception {
        send(List.of("someone@down.test"), "survives a crash");
        // Tried at least once against the closed port and deferred.
        await(Duration.ofSeconds(60), () -> assertThat(queueList()).contains("someone@down.test")
                .containsPattern("DEFERRED"));
        senderServer.kill();
        Path downDir = Files.createDirectories(tmp.resolve("down"));
        Process up = receiverProcess(downPort, downDir);
        assertThat(listeningPort(up)).isEqualTo(downPort);
        senderServer = RunningServer.start(sender, "mail.example.test");
        await(Duration.ofSeconds(90), () -> assertThat(receivedBy(downDir, "someone@down.test")).hasSize(1));
        assertThat(receivedBy(downDir, "someone@down.test").getFirst()).contains("Subject: survives a crash");
        up.destroy();
        up.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void theMxPortRefusesToRelayForAnyone() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(senderServer.smtpPort())) {
            c.command("MAIL FROM:<someone@example.org>").require(250);
            SmtpConnection.Reply relay = c.command("RCPT TO:<" + RITA + ">");
            assertThat(relay.code()).as(relay.toString()).isEqualTo(554);
            assertThat(relay.enhanced()).isEqualTo("5.7.1");
        }
    }

    @Test
    void theQueueIsListedShownRetriedAndDeletedByTheCliAndTheAdminApi() throws Exception {
        send(List.of("held@stuck.test"), "held in the queue");
        await(Duration.ofSeconds(60), () -> assertThat(queueList()).contains("held@stuck.test").contains("DEFERRED"));
        String line = queueList().lines().filter(l -> l.contains("held@stuck.test")).findFirst().orElseThrow();
        String id = line.split("\t")[0].replace("id=", "").strip();
        Launcher.Result show = sender.run("queue", "show", id);
        ok(show);
        assertThat(show.out()).contains("queue id " + id).contains("held@stuck.test").contains("DEFERRED")
                .contains("connect");
        assertThat(sender.run("queue", "show", "not-a-uuid").exitCode()).isNotZero();

        ApiClient api = new ApiClient(senderServer.port("http")).checked();
        // A plain user is not a server admin.
        Response user = api.post("/api/v1/auth/sign-in", null, java.util.Map.of("login", BOB, "password", PASSWORD));
        assertThat(api.get("/api/v1/admin/queue", user.text("access_token")).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/admin/queue", null).status()).isEqualTo(401);
        String admin = adminToken(api);
        Response list = api.get("/api/v1/admin/queue", admin);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.raw()).contains(id).contains("held@stuck.test").contains(ALICE);
        Response one = api.get("/api/v1/admin/queue/" + id, admin);
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        assertThat(one.body().get("recipients").get(0).get("state").asText()).isEqualTo("deferred");
        assertThat(one.body().get("recipients").get(0).get("attempts").asInt()).isPositive();
        assertThat(api.get("/api/v1/admin/queue/not-an-id", admin).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/admin/queue/" + java.util.UUID.randomUUID(), admin).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/admin/queue?limit=0", admin).status()).isEqualTo(400);

        int attempts = one.body().get("recipients").get(0).get("attempts").asInt();
        Response retry = api.post("/api/v1/admin/queue/" + id + "/retry", admin, java.util.Map.of());
        assertThat(retry.status()).as(retry.toString()).isEqualTo(204);
        await(Duration.ofSeconds(30), () -> assertThat(api.get("/api/v1/admin/queue/" + id, admin).body()
                .get("recipients").get(0).get("attempts").asInt()).isGreaterThan(attempts));
        ok(sender.run("queue", "retry", id));

        Response deleted = api.delete("/api/v1/admin/queue/" + id, admin);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(api.get("/api/v1/admin/queue/" + id, admin).status()).isEqualTo(404);
        assertThat(sender.run("queue", "delete", id).exitCode()).isNotZero();
        assertThat(queueList()).doesNotContain("held@stuck.test");
        // The log names the recipient only as ***@domain.
        assertThat(senderServer.output()).doesNotContain("held@stuck.test").contains("***@stuck.test");
    }

    /** A server admin's full session: sign in, enrol TOTP, confirm. */
    private static String adminToken(ApiClient api) throws Exception {
        Response signIn = api.post("/api/v1/auth/sign-in", null, java.util.Map.of("login", ROOT, "password", PASSWORD));
        String limited = signIn.text("access_token");
        Response setup = api.post("/api/v1/auth/mfa/totp", limited, java.util.Map.of());
        Authenticator phone = new Authenticator(setup.text("secret"));
        Response confirmed = api.post("/api/v1/auth/mfa/totp/confirm", limited, java.util.Map.of("code", phone.now()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        return confirmed.body().get("tokens").get("access_token").asText();
    }

    private static String queueList() {
        Launcher.Result r = sender.run("queue", "list");
        ok(r);
        return r.out();
    }

    /** The messages the Python receiver accepted for {@code rcpt}. */
    private static List<String> receivedBy(Path dir, String rcpt) throws IOException {
        List<String> found = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path env : files.filter(p -> p.toString().endsWith(".env")).toList()) {
                Path eml = Path.of(env.toString().replace(".env", ".eml"));
                if (Files.readString(env).contains(rcpt) && Files.exists(eml)) {
                    found.add(Files.readString(eml, StandardCharsets.UTF_8));
                }
            }
        }
        return found;
    }
}

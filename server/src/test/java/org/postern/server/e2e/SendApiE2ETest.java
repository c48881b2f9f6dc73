package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;

/**
 * {@code POST /api/v1/messages/send} on a real {@code ./postern serve}, every response checked
 * against the OpenAPI document: a message composed from JSON (UTF-8 subject, text and HTML, an
 * attachment, a Bcc) read back from the recipients' and the sender's stores and parsed by Python's
 * email module, its DKIM signatures verified by dkimpy against keys published on a loopback DNS
 * server; a remote recipient delivered to a second Postern through POSTERN_OUTBOUND_TRANSPORT;
 * refusals (not her From:, a revoked address, header injection, no token, wrong scope). The same
 * server runs with submission_sent_copy=false: SMTP submission then leaves no Sent copy, the API
 * still does.
 */
class SendApiE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String HOST = "mail.example.test";
    private static final String ALICE = "alice@example.test";
    private static final String ALICE_REVOKED = "old-alice@example.test";
    private static final String BOB = "bob@example.test";
    private static final String CAROL = "carol@example.test";
    private static final String RITA = "rita@remote.test";
    /** Sends only in the hourly-budget test. */
    private static final String ERIN = "erin@example.test";
    private static final int MESSAGES_PER_HOUR = 6;
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher sender;
    static Launcher receiver;
    static RunningServer senderServer;
    static RunningServer receiverServer;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        sender = new Launcher(tmp.resolve("sender")).env("POSTERN_HOSTNAME", HOST)
                .env("POSTERN_SUBMISSION_SENT_COPY", "false")
                .env("POSTERN_SUBMISSION_MESSAGES_PER_HOUR", Integer.toString(MESSAGES_PER_HOUR))
                .env("POSTERN_SUBMISSION_MAX_MESSAGE_BYTES", "512KiB")
                .env("POSTERN_OUTBOUND_RETRY_BASE", "1s").env("POSTERN_OUTBOUND_RETRY_MAX", "2s");
        try (Deployment d = Deployment.open(sender.dataDir())) {
            d.domain(DOMAIN).user(ALICE).user(BOB).user(CAROL).user(ERIN).address(ALICE, ALICE_REVOKED).revoke(ALICE_REVOKED);
        }
        ok(sender.run("dkim", "generate", DOMAIN));
        Launcher.Result zone = sender.run("dns", DOMAIN);
        ok(zone);
        LoopbackDns.Zone records = LoopbackDns.zone();
        for (Map.Entry<String, String> txt : DkimSigningE2ETest.txtRecords(zone.out()).entrySet()) {
            if (!txt.getKey().equals(DOMAIN)) {
                records.txt(txt.getKey(), txt.getValue());
            }
        }
        records.txt(DOMAIN, "v=spf1 ip4:127.0.0.1 -all");
        dns = records.start();

        receiver = new Launcher(tmp.resolve("receiver")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(receiver.dataDir())) {
            d.domain("remote.test").user(RITA);
        }
        receiverServer = RunningServer.start(receiver, "mx.remote.test");

        sender.env("POSTERN_DNS_SERVERS", dns.serverSpec())
                .env("POSTERN_OUTBOUND_TRANSPORT", "remote.test=127.0.0.1:" + receiverServer.smtpPort());
        senderServer = RunningServer.start(sender, HOST);
        api = new ApiClient(senderServer.port("http")).checked();
    }

    @AfterAll
    static void stop() throws Exception {
        if (senderServer != null) {
            senderServer.close();
        }
        if (receiverServer != null) {
            receiverServer.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static String signIn(String login) {
        Response r = api.post("/api/v1/auth/sign-in", null, Map.of("login", login, "password", PASSWORD));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.text("access_token");
    }

    private static Map<String, Object> message(String from, List<String> to, String subject) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from);
        m.put("to", to);
        m.put("subject", subject);
        m.put("text", "Hello from the API.\nSecond line.\n");
        return m;
    }

    private static List<Deployment.Mail> find(Path dataDir, String login, String mailbox, String messageId) {
        String id = messageId.replaceAll("^<|>$", "");
        return Deployment.messages(dataDir, login, mailbox).stream().filter(m -> m.messageId().equals(id)).toList();
    }

    /**
     * Parses a message from standard input with Python's email module and prints what a reader
     * sees; verifies every DKIM-Signature with dkimpy against the loopback DNS server (argv[1]).
     */
    private static final String PARSE_AND_VERIFY = """
            import sys, email, email.policy, dkim, dns.resolver
            raw = sys.stdin.buffer.read()
            m = email.message_from_bytes(raw, policy=email.policy.default)
            print('subject', m['Subject'])
            print('from', m['From'])
            print('to', m['To'])
            print('bcc', m['Bcc'])
            print('type', m.get_content_type())
            body = m.get_body(preferencelist=('plain',))
            # The parser keeps the wire's CRLF in decoded text; a reader sees lines.
            print('text', repr(body.get_content().replace('\\r\\n', '\\n')))
            html = m.get_body(preferencelist=('html',))
            print('html', repr(html.get_content().replace('\\r\\n', '\\n') if html else None))
            for part in m.iter_attachments():
                print('attachment', part.get_filename(), part.get_content_type(), part.get_payload(decode=True).hex())
            res = dns.resolver.Resolver(configure=False)
            res.nameservers = ['127.0.0.1']; res.port = int(sys.argv[1]); res.lifetime = 5
            def dnsfunc(name, timeout=5):
                n = name.decode() if isinstance(name, bytes) else name
                try:
                    answer = res.resolve(n, 'TXT')
                except Exception:
                    return b''
                return b''.join(answer[0].strings)
            count = raw.count(b'DKIM-Signature:')
            print('signatures', count)
            for i in range(count):
                try:
                    print('dkim', i, 'ok' if dkim.DKIM(raw).verify(idx=i, dnsfunc=dnsfunc) else 'fail')
                except dkim.ValidationError as e:
                    print('dkim', i, 'invalid', e)
            """;

    private static String parse(byte[] raw) {
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(60), raw,
                List.of(ExternalTool.PYTHON, "-c", PARSE_AND_VERIFY, Integer.toString(dns.address().getPort())));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }

    @Test
    void aComposedMessageReachesLocalRecipientsAndSentIntactSignedAndWithoutBcc() {
        String token = signIn(ALICE);
        byte[] attachment = new byte[4000];
        for (int i = 0; i < attachment.length; i++) {
            attachment[i] = (byte) (i * 7);
        }
        Map<String, Object> m = message(ALICE, List.of(BOB), "Grüße aus der API ✉");
        m.put("from_name", "Alice Ünal");
        m.put("bcc", List.of(CAROL));
        m.put("html", "<p>Hello from the <b>API</b>.</p>");
        m.put("attachments", List.of(Map.of("filename", "Bericht März.bin", "content_type", "application/octet-stream",
                "content_base64", Base64.getEncoder().encodeToString(attachment))));
        Response sent = api.post("/api/v1/messages/send", token, m);
        assertThat(sent.status()).as(sent + "\n" + senderServer.output()).isEqualTo(201);
        String messageId = sent.text("message_id");
        assertThat(messageId).startsWith("<").endsWith("@" + HOST + ">");

        List<Deployment.Mail> inbox = find(sender.dataDir(), BOB, "INBOX", messageId);
        List<Deployment.Mail> bcc = find(sender.dataDir(), CAROL, "INBOX", messageId);
        List<Deployment.Mail> sentCopy = find(sender.dataDir(), ALICE, "Sent", messageId);
        assertThat(inbox).hasSize(1);
        assertThat(bcc).as("the Bcc recipient got it").hasSize(1);
        assertThat(sentCopy).as("the API always keeps a Sent copy").hasSize(1);
        assertThat(sentCopy.getFirst().row().id().toString()).isEqualTo(sent.text("id"));

        String hex = java.util.HexFormat.of().formatHex(attachment);
        for (Deployment.Mail copy : List.of(inbox.getFirst(), bcc.getFirst(), sentCopy.getFirst())) {
            assertThat(copy.text()).doesNotContain(CAROL).doesNotContainIgnoringCase("\r\nBcc:");
            String parsed = parse(copy.raw());
            assertThat(parsed).contains("subject Grüße aus der API ✉").contains("from Alice Ünal <" + ALICE + ">")
                    .contains("to " + BOB).contains("bcc None").contains("type multipart/mixed")
                    .contains("text 'Hello from the API.\\nSecond line.\\n'")
                    .contains("html '<p>Hello from the <b>API</b>.</p>'")
                    .contains("attachment Bericht März.bin application/octet-stream " + hex)
                    .contains("signatures 2").contains("dkim 0 ok").contains("dkim 1 ok");
        }
    }

    @Test
    void aRemoteRecipientIsQueuedWith202AndDeliveredToTheSecondPosternSigned() {
        String token = signIn(ALICE);
        Map<String, Object> m = message(ALICE, List.of(RITA, BOB), "to the second postern via the API");
        m.put("bcc", List.of("hidden@remote.test"));
        Response sent = api.post("/api/v1/messages/send", token, m);
        assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
        String messageId = sent.text("message_id");
        assertThat(find(sender.dataDir(), BOB, "INBOX", messageId)).hasSize(1);
        assertThat(find(sender.dataDir(), ALICE, "Sent", messageId)).hasSize(1);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(find(receiver.dataDir(), RITA, "INBOX", messageId)).hasSize(1));
        Deployment.Mail received = find(receiver.dataDir(), RITA, "INBOX", messageId).getFirst();
        assertThat(received.text()).doesNotContain("hidden@").contains("dkim=pass");
        assertThat(parse(received.raw())).contains("subject to the second postern via the API")
                .contains("text 'Hello from the API.\\nSecond line.\\n'").contains("dkim 0 ok").contains("dkim 1 ok");
    }

    @Test
    void aReplyCarriesInReplyToAndFlagsTheOriginalAnswered() {
        String alice = signIn(ALICE);
        Response first = api.post("/api/v1/messages/send", alice, message(ALICE, List.of(BOB), "question"));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        Deployment.Mail original = find(sender.dataDir(), BOB, "INBOX", first.text("message_id")).getFirst();

        String bob = signIn(BOB);
        Map<String, Object> reply = message(BOB, List.of(ALICE), "Re: question");
        reply.put("in_reply_to", original.row().id().toString());
        Response answered = api.post("/api/v1/messages/send", bob, reply);
        assertThat(answered.status()).as(answered.toString()).isEqualTo(201);
        Deployment.Mail got = find(sender.dataDir(), ALICE, "INBOX", answered.text("message_id")).getFirst();
        assertThat(got.headerFields()).contains("In-Reply-To: " + first.text("message_id"))
                .contains("References: " + first.text("message_id"));
        assertThat(find(sender.dataDir(), BOB, "INBOX", first.text("message_id")).getFirst().row().flags())
                .contains("\\Answered");

        // Someone else's message (or none) is not found, and nothing is sent.
        Map<String, Object> foreign = message(ALICE, List.of(BOB), "not my thread");
        foreign.put("in_reply_to", original.row().id().toString());
        Response notFound = api.post("/api/v1/messages/send", alice, foreign);
        assertThat(notFound.status()).as(notFound.toString()).isEqualTo(404);
    }

    @Test
    void senderAddressesThatAreNotHersActiveOnesAreRefusedAndAudited() {
        String token = signIn(ALICE);
        int before = Deployment.messages(sender.dataDir(), BOB, "INBOX").size();
        Response other = api.post("/api/v1/messages/send", token, message(BOB, List.of(BOB), "spoofed"));
        assertThat(other.status()).as(other.toString()).isEqualTo(403);
        assertThat(other.text("error")).isEqualTo("sender_not_allowed");
        Response revoked = api.post("/api/v1/messages/send", token, message(ALICE_REVOKED, List.of(BOB), "revoked"));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(403);
        Map<String, Object> display = message(ALICE, List.of(BOB), "display name");
        display.put("from_name", "security@bank.example");
        Response misleading = api.post("/api/v1/messages/send", token, display);
        assertThat(misleading.status()).as(misleading.toString()).isEqualTo(400);
        assertThat(misleading.text("message")).startsWith("from_name");
        assertThat(Deployment.messages(sender.dataDir(), BOB, "INBOX")).hasSize(before);
        assertThat(sender.run("audit-log", "list", "--user", ALICE).out()).contains("api.send")
                .contains("envelope_sender_not_owned");
    }

    @Test
    void headerInjectionAndBadInputAre400NamingTheField() {
        String token = signIn(ALICE);
        int before = Deployment.messages(sender.dataDir(), BOB, "INBOX").size();
        List<Map.Entry<Map<String, Object>, String>> cases = new ArrayList<>();
        Map<String, Object> subject = message(ALICE, List.of(BOB), "hi\r\nBcc: " + CAROL);
        cases.add(Map.entry(subject, "subject"));
        Map<String, Object> name = message(ALICE, List.of(BOB), "s");
        name.put("from_name", "Alice\nX-Injected: yes");
        cases.add(Map.entry(name, "from_name"));
        Map<String, Object> file = message(ALICE, List.of(BOB), "s");
        file.put("attachments", List.of(Map.of("filename", "a.txt\r\nContent-Type: text/html", "content_base64", "AA==")));
        cases.add(Map.entry(file, "attachments[0].filename"));
        Map<String, Object> to = message(ALICE, List.of(BOB + ">\r\nBcc: " + CAROL), "s");
        cases.add(Map.entry(to, "to[0]"));
        Map<String, Object> notAnAddress = message(ALICE, List.of("Bob <" + BOB + ">"), "s");
        cases.add(Map.entry(notAnAddress, "to[0]"));
        Map<String, Object> noRecipients = message(ALICE, List.of(), "s");
        cases.add(Map.entry(noRecipients, "to"));
        for (Map.Entry<Map<String, Object>, String> c : cases) {
            Response r = api.post("/api/v1/messages/send", token, c.getKey());
            assertThat(r.status()).as(c.getValue() + ": " + r).isEqualTo(400);
            assertThat(r.text("message")).as(r.toString()).startsWith(c.getValue());
        }
        assertThat(Deployment.messages(sender.dataDir(), BOB, "INBOX")).hasSize(before);
        assertThat(Deployment.messages(sender.dataDir(), CAROL, "INBOX"))
                .noneMatch(m -> m.text().contains("X-Injected"));
    }

    @Test
    void withoutATokenItIs401AndATokenWithoutScopeSendIs403WhileOneWithItSends() {
        Response none = api.post("/api/v1/messages/send", null, message(ALICE, List.of(BOB), "anonymous"));
        assertThat(none.status()).as(none.toString()).isEqualTo(401);
        String session = signIn(CAROL);
        Response readOnly = api.post("/api/v1/auth/api-tokens", session,
                Map.of("name", "reader", "scopes", List.of("read-mail")));
        assertThat(readOnly.status()).as(readOnly.toString()).isEqualTo(201);
        Response refused = api.post("/api/v1/messages/send", readOnly.text("secret"),
                message(CAROL, List.of(BOB), "wrong scope"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        Response sender = api.post("/api/v1/auth/api-tokens", session,
                Map.of("name", "script", "scopes", List.of("send")));
        Response sent = api.post("/api/v1/messages/send", sender.text("secret"),
                message(CAROL, List.of(BOB), "with a send token"));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        assertThat(find(SendApiE2ETest.sender.dataDir(), BOB, "INBOX", sent.text("message_id"))).hasSize(1);
    }

    @Test
    void withSubmissionSentCopyOffSmtpSubmissionLeavesNoSentCopy() {
        String subject = "smtp without a sent copy " + System.nanoTime();
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(60), null, List.of("swaks",
                "--server", "127.0.0.1", "--port", Integer.toString(senderServer.port("submissions")),
                "--tls-on-connect", "--auth", "PLAIN", "--auth-user", BOB, "--auth-password", PASSWORD,
                "--from", BOB, "--to", CAROL, "--helo", "laptop.example.test", "--header", "Subject: " + subject));
        assertThat(r.exitCode()).as(r + "\n" + senderServer.output()).isZero();
        assertThat(Deployment.messages(sender.dataDir(), CAROL, "INBOX"))
                .anyMatch(m -> m.text().contains("Subject: " + subject));
        assertThat(Deployment.messages(sender.dataDir(), BOB, "Sent"))
                .noneMatch(m -> m.text().contains("Subject: " + subject));
    }

    @Test
    void aMessagePastTheSubmissionSizeIs413AndNothingIsStored() {
        String token = signIn(ALICE);
        int before = Deployment.messages(sender.dataDir(), BOB, "INBOX").size();
        Map<String, Object> m = message(ALICE, List.of(BOB), "too big");
        m.put("attachments", List.of(Map.of("filename", "big.bin",
                "content_base64", Base64.getEncoder().encodeToString(new byte[600 * 1024]))));
        Response r = api.post("/api/v1/messages/send", token, m);
        assertThat(r.status()).as(r.toString()).isEqualTo(413);
        assertThat(Deployment.messages(sender.dataDir(), BOB, "INBOX")).hasSize(before);
        assertThat(sender.run("audit-log", "list", "--user", ALICE).out()).contains("message_size");
    }

    @Test
    void theHourlyBudgetIsOneForTheApiAndSmtpTogether() throws Exception {
        String token = signIn(ERIN);
        for (int i = 0; i < MESSAGES_PER_HOUR; i++) {
            Response r = api.post("/api/v1/messages/send", token, message(ERIN, List.of(BOB), "budget " + i));
            assertThat(r.status()).as(i + ": " + r).isEqualTo(201);
        }
        Response over = api.post("/api/v1/messages/send", token, message(ERIN, List.of(BOB), "one too many"));
        assertThat(over.status()).as(over.toString()).isEqualTo(429);
        assertThat(over.text("error")).isEqualTo("too_many_requests");
        try (SmtpConnection c = SmtpConnection.ready(senderServer.port("submission"))) {
            c.startTls();
            c.command("EHLO laptop.example.test").require(250);
            c.command("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + ERIN + "\0" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8))).require(235);
            SmtpConnection.Reply hourly = c.command("MAIL FROM:<" + ERIN + ">");
            assertThat(hourly.code()).as("SMTP shares the API's budget: " + hourly).isEqualTo(450);
        }
        assertThat(sender.run("audit-log", "list", "--user", ERIN).out()).contains("api.send")
                .contains("messages_per_hour");
    }
}

package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.ApiClient.Response;

/**
 * The submission ports of a real {@code ./postern serve}, driven by Python's smtplib, swaks and
 * raw sockets: no AUTH before STARTTLS, app passwords for a user with TOTP, the account password
 * only without it, senders and From: headers that must be the user's own active addresses,
 * local delivery into the recipient's INBOX and the sender's Sent with Bcc stripped, implicit
 * TLS on 465, remote recipients accepted for the outbound queue, and the limits.
 */
class SubmissionE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String ALICE = "alice@example.test";
    private static final String ALICE_ALIAS = "shop-x@example.test";
    private static final String ALICE_REVOKED = "old@example.test";
    private static final String BOB = "bob@example.test";
    private static final String CAROL = "carol@example.test";
    private static final String DAVE = "dave@example.test";
    private static final String ERIN = "erin@example.test";
    private static final String FRANK = "frank@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final int MESSAGES_PER_HOUR = 5;

    @TempDir
    static Path tmp;

    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        postern = new Launcher(tmp.resolve("data"))
                .env("POSTERN_SUBMISSION_MAX_MESSAGE_BYTES", "64KiB")
                .env("POSTERN_SUBMISSION_MAX_RECIPIENTS", "3")
                .env("POSTERN_SUBMISSION_MESSAGES_PER_HOUR", Integer.toString(MESSAGES_PER_HOUR));
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).user(ALICE).user(BOB).user(CAROL).user(DAVE).user(ERIN).user(FRANK)
                    .address(ALICE, ALICE_ALIAS).address(ALICE, ALICE_REVOKED).revoke(ALICE_REVOKED);
        }
        server = RunningServer.start(postern);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static int submission() {
        return server.port("submission");
    }

    private static Launcher.Result python(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ExternalTool.PYTHON, "-c", script));
        cmd.addAll(List.of(args));
        return ExternalTool.run(Duration.ofSeconds(90), null, cmd);
    }

    /**
     * smtplib on 587: STARTTLS, login, then one message from argv[4] to the recipients in argv[5]
     * (comma-separated), the message on standard input... as argv[6]. Exit 3 with the code when
     * login is refused, 4 with the code when sending is refused.
     */
    private static final String SMTPLIB_SEND = """
            import smtplib, ssl, sys
            port, user, pw, mail_from, rcpts, message = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
            source = sys.argv[7] if len(sys.argv) > 7 else '127.0.0.1'
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = smtplib.SMTP('127.0.0.1', port, local_hostname='laptop.example.test', source_address=(source, 0))
            s.ehlo()
            assert not s.has_extn('auth'), 'AUTH offered before TLS: ' + str(s.esmtp_features)
            s.starttls(context=ctx)
            s.ehlo()
            assert 'PLAIN' in s.esmtp_features['auth'] and 'LOGIN' in s.esmtp_features['auth'], s.esmtp_features
            try:
                s.login(user, pw)
            except smtplib.SMTPAuthenticationError as e:
                print('auth-refused', e.smtp_code, e.smtp_error.decode())
                raise SystemExit(3)
            print('authenticated')
            if mail_from == '-':
                s.quit()
                raise SystemExit(0)
            try:
                refused = s.sendmail(mail_from, rcpts.split(','), message.replace('\\n', '\\r\\n').encode())
            except smtplib.SMTPResponseException as e:
                print('send-refused', e.smtp_code, e.smtp_error.decode())
                raise SystemExit(4)
            except smtplib.SMTPRecipientsRefused as e:
                for r, (code, text) in e.recipients.items():
                    print('rcpt-refused', code, text.decode())
                raise SystemExit(4)
            except smtplib.SMTPSenderRefused as e:
                print('sender-refused', e.smtp_code, e.smtp_error.decode())
                raise SystemExit(4)
            print('sent', refused)
            s.quit()
            """;

    private static Launcher.Result send(String user, String password, String mailFrom, List<String> to, String message) {
        return python(SMTPLIB_SEND, Integer.toString(submission()), user, password, mailFrom, String.join(",", to),
                message);
    }

    private static String message(String from, String to, String bcc, String messageId, String subject) {
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append('\n');
        m.append("To: ").append(to).append('\n');
        if (bcc != null) {
            m.append("Bcc: ").append(bcc).append('\n');
        }
        if (messageId != null) {
            m.append("Message-ID: <").append(messageId).append(">\n");
        }
        m.append("Received: from laptop.internal (192.168.17.42) by nowhere\n");
        m.append("X-Originating-IP: [192.168.17.42]\n");
        m.append("Subject: ").append(subject).append('\n');
        m.append("MIME-Version: 1.0\n");
        m.append("Content-Type: multipart/alternative; boundary=\"b1\"\n\n");
        m.append("--b1\nContent-Type: text/plain; charset=utf-8\n\nHello from submission.\n");
        m.append("--b1\nContent-Type: text/html; charset=utf-8\n\n<p>Hello from submission.</p>\n--b1--\n");
        return m.toString();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An authenticated raw connection on 587 (STARTTLS, EHLO, AUTH PLAIN). */
    private static SmtpConnection signedIn(String login, String secret) throws Exception {
        SmtpConnection c = SmtpConnection.ready(submission());
        c.startTls();
        c.command("EHLO laptop.example.test").require(250);
        c.command("AUTH PLAIN " + b64("\0" + login + "\0" + secret)).require(235);
        return c;
    }

    private static List<String> mailList(String owner, String mailbox) {
        Launcher.Result r = postern.run("mail", "list", owner, "--mailbox", mailbox);
        ok(r);
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void authIsNeitherOfferedNorAcceptedBeforeStartTlsAndMailNeedsAuth() throws Exception {
        int before = mailList(CAROL, "INBOX").size();
        try (SmtpConnection c = SmtpConnection.open(submission())) {
            c.expect(220);
            SmtpConnection.Reply ehlo = c.command("EHLO laptop.example.test").require(250);
            assertThat(ehlo.lines()).contains("STARTTLS").noneMatch(l -> l.startsWith("AUTH"));
            SmtpConnection.Reply auth = c.command("AUTH PLAIN " + b64("\0" + ALICE + "\0" + PASSWORD));
            assertThat(auth.code()).as(auth.toString()).isEqualTo(530);
            assertThat(auth.enhanced()).isEqualTo("5.7.0");
            SmtpConnection.Reply login = c.command("AUTH LOGIN");
            assertThat(login.code()).as(login.toString()).isEqualTo(530);
            SmtpConnection.Reply mail = c.command("MAIL FROM:<" + ALICE + ">");
            assertThat(mail.code()).as("unauthenticated MAIL before TLS: " + mail).isEqualTo(530);

            c.startTls();
            SmtpConnection.Reply again = c.command("EHLO laptop.example.test").require(250);
            assertThat(again.lines()).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            SmtpConnection.Reply unauthenticated = c.command("MAIL FROM:<" + ALICE + ">");
            assertThat(unauthenticated.code()).as("unauthenticated MAIL after TLS: " + unauthenticated).isEqualTo(530);
            assertThat(unauthenticated.enhanced()).isEqualTo("5.7.0");
            SmtpConnection.Reply rcpt = c.command("RCPT TO:<" + CAROL + ">");
            assertThat(rcpt.code()).isEqualTo(503);
        }
        assertThat(mailList(CAROL, "INBOX")).hasSize(before);
    }

    @Test
    void withTotpOnlyAnAppPasswordScopedSmtpSendsAndTheCopiesLandInInboxAndSentWithoutBcc() throws Exception {
        ApiClient api = new ApiClient(server.port("http"));
        Response signIn = api.post("/api/v1/auth/sign-in", null, Map.of("login", BOB, "password", PASSWORD));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        String access = signIn.text("access_token");
        Response setup = api.post("/api/v1/auth/mfa/totp", access, Map.of());
        Authenticator phone = new Authenticator(setup.text("secret"));
        Response confirmed = api.post("/api/v1/auth/mfa/totp/confirm", access, Map.of("code", phone.now()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        access = confirmed.body().get("tokens").get("access_token").asText();
        Response imapOnly = api.post("/api/v1/auth/app-passwords", access,
                Map.of("name", "Thunderbird IMAP", "scopes", List.of("imap")));
        Response smtp = api.post("/api/v1/auth/app-passwords", access,
                Map.of("name", "Thunderbird SMTP", "scopes", List.of("smtp")));
        assertThat(smtp.status()).as(smtp.toString()).isEqualTo(201);

        Launcher.Result account = python(SMTPLIB_SEND, Integer.toString(submission()), BOB, PASSWORD, "-", "-", "-",
                "127.0.0.2");
        assertThat(account.exitCode()).as("the account password of a TOTP user is refused: " + account).isEqualTo(3);
        assertThat(account.out()).contains("auth-refused 535 5.7.8");
        Launcher.Result wrongScope = python(SMTPLIB_SEND, Integer.toString(submission()), BOB,
                imapOnly.text("secret"), "-", "-", "-", "127.0.0.2");
        assertThat(wrongScope.exitCode()).as("an app password scoped imap only: " + wrongScope).isEqualTo(3);

        String id = "totp-" + System.nanoTime() + "@example.test";
        Launcher.Result sent = send(BOB, smtp.text("secret"), BOB, List.of(CAROL, DAVE),
                message("Bob <" + BOB + ">", "Carol <" + CAROL + ">", DAVE, id, "with an app password"));
        assertThat(sent.exitCode()).as(sent + "\n" + server.output()).isZero();

        Deployment.Mail inbox = Deployment.find(postern.dataDir(), CAROL, "INBOX", id).orElseThrow();
        Deployment.Mail bcc = Deployment.find(postern.dataDir(), DAVE, "INBOX", id).orElseThrow();
        Deployment.Mail sentCopy = Deployment.find(postern.dataDir(), BOB, "Sent", id).orElseThrow();
        for (Deployment.Mail m : List.of(inbox, bcc, sentCopy)) {
            assertThat(m.headerFields()).as(m.text()).noneMatch(f -> f.regionMatches(true, 0, "Bcc:", 0, 4))
                    .noneMatch(f -> f.contains("192.168.17.42"))
                    .anyMatch(f -> f.startsWith("Date: "))
                    .anyMatch(f -> f.startsWith("Subject: with an app password"));
            assertThat(m.text()).contains("--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello from submission.</p>")
                    .doesNotContain(DAVE.replace("@", "@") + "\r\nSubject");
        }
        assertThat(mailList(BOB, "Sent")).as("one Sent copy, listed by the CLI").hasSize(1);
        assertThat(postern.run("audit-log", "list", "--user", BOB).out()).contains("smtp.signin");
    }

    @Test
    void theAccountPasswordWorksWithoutMfaAndAWrongOneIs535AndAudited() throws Exception {
        Launcher.Result wrong = python(SMTPLIB_SEND, Integer.toString(submission()), FRANK, "not the password at all",
                "-", "-", "-", "127.0.0.3");
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(3);
        assertThat(wrong.out()).contains("auth-refused 535 5.7.8");
        String audit = postern.run("audit-log", "list", "--user", FRANK).out();
        assertThat(audit).contains("smtp.signin").contains("failure");

        // AUTH LOGIN, step by step, with the account password of a user without a second factor.
        try (SmtpConnection c = SmtpConnection.ready(submission(), "127.0.0.4")) {
            c.startTls();
            c.command("EHLO laptop.example.test").require(250);
            assertThat(c.command("AUTH LOGIN").require(334).text()).isEqualTo("VXNlcm5hbWU6");
            assertThat(c.command(b64(FRANK)).require(334).text()).isEqualTo("UGFzc3dvcmQ6");
            c.command(b64(PASSWORD)).require(235);
            String id = "frank-" + System.nanoTime() + "@example.test";
            SmtpConnection.Reply done = c.send(FRANK, CAROL, message(FRANK, CAROL, null, id, "with a password")
                    .replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(done.code()).as(done + "\n" + server.output()).isEqualTo(250);
            assertThat(Deployment.find(postern.dataDir(), CAROL, "INBOX", id)).isPresent();
            assertThat(Deployment.find(postern.dataDir(), FRANK, "Sent", id)).isPresent();
        }
        assertThat(postern.run("audit-log", "list", "--user", FRANK).out()).contains("success");
    }

    @Test
    void senderAndFromMustBeTheUsersOwnActiveAddresses() throws Exception {
        try (SmtpConnection c = signedIn(ALICE, PASSWORD)) {
            SmtpConnection.Reply other = c.command("MAIL FROM:<" + BOB + ">");
            assertThat(other.code()).as(other.toString()).isEqualTo(553);
            assertThat(other.enhanced()).isEqualTo("5.7.1");
            SmtpConnection.Reply revoked = c.command("MAIL FROM:<" + ALICE_REVOKED + ">");
            assertThat(revoked.code()).as("a revoked address cannot send: " + revoked).isEqualTo(553);
            SmtpConnection.Reply unknown = c.command("MAIL FROM:<nobody@example.test>");
            assertThat(unknown.code()).isEqualTo(553);
            SmtpConnection.Reply nullSender = c.command("MAIL FROM:<>");
            assertThat(nullSender.code()).isEqualTo(553);

            // The envelope is hers, the From: is not.
            c.command("MAIL FROM:<" + ALICE + ">").require(250);
            c.command("RCPT TO:<" + CAROL + ">").require(250);
            c.command("DATA").require(354);
            c.write(SmtpConnection.dataSection(message("Bob <" + BOB + ">", CAROL, null, "spoof-1@example.test", "spoof")
                    .replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
            SmtpConnection.Reply spoofed = c.reply();
            assertThat(spoofed.code()).as(spoofed.toString()).isEqualTo(553);
            assertThat(spoofed.enhanced()).isEqualTo("5.7.1");

            // Her own address, but a display name showing someone else's.
            c.command("MAIL FROM:<" + ALICE + ">").require(250);
            c.command("RCPT TO:<" + CAROL + ">").require(250);
            c.command("DATA").require(354);
            c.write(SmtpConnection.dataSection(message("\"support@bank.example\" <" + ALICE + ">", CAROL, null,
                    "spoof-2@example.test", "display name").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
            SmtpConnection.Reply display = c.reply();
            assertThat(display.code()).as(display.toString()).isEqualTo(553);

            // A remote recipient of a signed-in user is accepted for the outbound queue (OutboundE2ETest
            // follows it to the remote server; here its DNS never answers, so it just waits there).
            c.command("MAIL FROM:<" + ALICE_ALIAS + ">").require(250);
            SmtpConnection.Reply remote = c.command("RCPT TO:<someone@elsewhere.example>");
            assertThat(remote.code()).as(remote.toString()).isEqualTo(250);

            // Her alias is hers: accepted, with Message-ID and Date added.
            c.command("RCPT TO:<" + CAROL + ">").require(250);
            c.command("DATA").require(354);
            String body = message("Alice <" + ALICE_ALIAS + ">", CAROL, null, null, "from my alias");
            c.write(SmtpConnection.dataSection(body.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
            c.reply().require(250);
        }
        assertThat(Deployment.find(postern.dataDir(), CAROL, "INBOX", "spoof-1@example.test")).isEmpty();
        assertThat(Deployment.find(postern.dataDir(), CAROL, "INBOX", "spoof-2@example.test")).isEmpty();
        Deployment.Mail alias = Deployment.messages(postern.dataDir(), ALICE, "Sent").stream()
                .filter(m -> m.text().contains("Subject: from my alias")).findFirst().orElseThrow();
        assertThat(alias.messageId()).endsWith("@mail.test.example");
        assertThat(postern.run("audit-log", "list", "--user", ALICE).out()).contains("smtp.submission")
                .contains("envelope_sender_not_owned").contains("from_header_not_owned");
    }

    @Test
    void implicitTlsOn465WorksWithSwaks() throws Exception {
        String subject = "over implicit TLS " + System.nanoTime();
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(60), null, List.of("swaks",
                "--server", "127.0.0.1", "--port", Integer.toString(server.port("submissions")), "--tls-on-connect",
                "--auth", "LOGIN", "--auth-user", DAVE, "--auth-password", PASSWORD,
                "--from", DAVE, "--to", CAROL, "--helo", "laptop.example.test",
                "--header", "Subject: " + subject));
        assertThat(r.exitCode()).as(r + "\n" + server.output()).isZero();
        assertThat(Deployment.messages(postern.dataDir(), CAROL, "INBOX")).as(r.toString())
                .anyMatch(m -> m.text().contains("Subject: " + subject));
        assertThat(Deployment.messages(postern.dataDir(), DAVE, "Sent"))
                .anyMatch(m -> m.text().contains("Subject: " + subject));
    }

    @Test
    void sizeRecipientAndHourlyLimitsAreAnsweredAndAudited() throws Exception {
        try (SmtpConnection c = signedIn(ERIN, PASSWORD)) {
            SmtpConnection.Reply big = c.command("MAIL FROM:<" + ERIN + "> SIZE=1000000");
            assertThat(big.code()).as(big.toString()).isEqualTo(552);

            c.command("MAIL FROM:<" + ERIN + ">").require(250);
            for (String r : List.of(CAROL, DAVE, FRANK)) {
                c.command("RCPT TO:<" + r + ">").require(250);
            }
            SmtpConnection.Reply fourth = c.command("RCPT TO:<" + BOB + ">");
            assertThat(fourth.code()).as(fourth.toString()).isEqualTo(452);
            c.command("DATA").require(354);
            String huge = message(ERIN, CAROL, null, "huge@example.test", "too big") + "x".repeat(100_000) + "\n";
            c.write(SmtpConnection.dataSection(huge.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
            SmtpConnection.Reply tooLarge = c.reply();
            assertThat(tooLarge.code()).as(tooLarge.toString()).isEqualTo(552);

            // One MAIL above was already counted; the hourly budget runs out after the rest.
            for (int i = 1; i < MESSAGES_PER_HOUR; i++) {
                c.command("MAIL FROM:<" + ERIN + ">").require(250);
                c.command("RSET").require(250);
            }
            SmtpConnection.Reply hourly = c.command("MAIL FROM:<" + ERIN + ">");
            assertThat(hourly.code()).as(hourly.toString()).isEqualTo(450);
            assertThat(hourly.enhanced()).isEqualTo("4.7.1");
        }
        assertThat(Deployment.find(postern.dataDir(), CAROL, "INBOX", "huge@example.test")).isEmpty();
        String audit = postern.run("audit-log", "list", "--user", ERIN).out();
        assertThat(audit).contains("message_size").contains("recipients_per_message").contains("messages_per_hour");
    }
}

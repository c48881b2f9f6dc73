package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;

/**
 * The IMAPS port of a real {@code ./postern serve} driven by curl, as scripts use it: list the
 * mailboxes, fetch a message by UID, SEARCH with a custom request, and APPEND by upload; signed
 * in with the account password (SASL PLAIN) and with an IMAP-scoped app password (LOGIN).
 */
class ImapCurlE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String SENDER = "news@sender.test";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).user(ALICE).user(BOB);
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static void deliver(String to, String subject, String body) throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.send(SENDER, to, TestMessages.message(SENDER, to, id, subject, body)).require(250);
            c.command("QUIT");
        }
    }

    /** curl over implicit TLS (the self-signed test certificate, hence -k) as {@code user:secret}. */
    private static Launcher.Result curl(String userSecret, String path, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "30", "-u", userSecret));
        cmd.addAll(List.of(extra));
        cmd.add("imaps://127.0.0.1:" + server.port("imaps") + "/" + path);
        return ExternalTool.run(Duration.ofSeconds(60), null, cmd);
    }

    @Test
    void curlListsFetchesByUidSearchesAndAppendsWithSaslPlain() throws Exception {
        deliver(ALICE, "curl fetch me", "the curl body line\r\n");
        String plain = ALICE + ":" + PASSWORD;
        String[] sasl = {"--login-options", "AUTH=PLAIN"};

        Launcher.Result list = curl(plain, "", sasl);
        assertThat(list.exitCode()).as(list + "\n" + server.output()).isZero();
        assertThat(list.out()).contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\"")
                .contains("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"");

        Launcher.Result fetched = curl(plain, "INBOX;UID=1", sasl);
        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        assertThat(fetched.out()).contains("Subject: curl fetch me").contains("the curl body line")
                .doesNotContain("* 1 FETCH");

        Launcher.Result search = curl(plain, "INBOX", "--login-options", "AUTH=PLAIN", "-X", "SEARCH SUBJECT \"curl fetch\"");
        assertThat(search.exitCode()).as(search.toString()).isZero();
        assertThat(search.out()).contains("* SEARCH 1");
        Launcher.Result none = curl(plain, "INBOX", "--login-options", "AUTH=PLAIN", "-X", "SEARCH SUBJECT \"nothing like it\"");
        assertThat(none.out().strip()).isEqualTo("* SEARCH");

        byte[] upload = ("From: alice@example.test\r\nTo: alice@example.test\r\nSubject: uploaded by curl\r\n"
                + "Message-ID: <curl-upload@example.test>\r\n\r\nsent with -T\r\n").getBytes(StandardCharsets.US_ASCII);
        Path file = tmp.resolve("upload.eml");
        Files.write(file, upload);
        Launcher.Result appended = curl(plain, "INBOX", "--login-options", "AUTH=PLAIN", "-T", file.toString());
        assertThat(appended.exitCode()).as(appended + "\n" + server.output()).isZero();

        Launcher.Result back = curl(plain, "INBOX;UID=2", sasl);
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(back.out().getBytes(StandardCharsets.US_ASCII)).isEqualTo(upload);
        Launcher.Result found = curl(plain, "INBOX", "-X", "UID SEARCH SUBJECT uploaded");
        assertThat(found.out()).contains("* SEARCH 2");
        assertThat(Deployment.messages(postern.dataDir(), ALICE, "INBOX")).hasSize(2);
    }

    @Test
    void curlSignsInWithAnImapAppPasswordAndAWrongPasswordFails() throws Exception {
        deliver(BOB, "for the app password", "app body\r\n");
        ApiClient api = new ApiClient(server.port("http"));
        Response signIn = api.post("/api/v1/auth/sign-in", null, Map.of("login", BOB, "password", PASSWORD));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        Response app = api.post("/api/v1/auth/app-passwords", signIn.text("access_token"),
                Map.of("name", "curl", "scopes", List.of("imap")));
        assertThat(app.status()).as(app.toString()).isEqualTo(201);

        Launcher.Result fetched = curl(BOB + ":" + app.text("secret"), "INBOX;UID=1");
        assertThat(fetched.exitCode()).as(fetched + "\n" + server.output()).isZero();
        assertThat(fetched.out()).contains("Subject: for the app password").contains("app body");

        Launcher.Result wrong = curl(BOB + ":not the password", "INBOX;UID=1");
        // curl's "login denied" (67); nothing of the mailbox is shown.
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(67);
        assertThat(wrong.out()).doesNotContain("app body");
    }
}

package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional smarthost: every remote recipient goes to {@code outbound_relay} over STARTTLS
 * with the relay's certificate verified against {@code outbound_relay_ca}, signed in with
 * credentials kept sealed under the master key. Wrong credentials defer the mail (never bounce
 * it); new ones set with {@code ./postern relay set} while the server runs are used at the next
 * attempt, without a restart. The password never reaches the data directory in the clear.
 */
class OutboundRelayE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String RELAY_LOGIN = "postern-relay";
    private static final String RELAY_SECRET = "relay-secret-5b1d3c0e9a";
    private static final Path RECEIVER = Launcher.REPO.resolve("server/src/test/resources/e2e/smtp_receiver.py");

    @TempDir
    static Path tmp;

    static Launcher postern;
    static RunningServer server;
    static Process relay;
    static Path relayDir;

    @BeforeAll
    static void start() throws Exception {
        Path cert = tmp.resolve("relay-cert.pem");
        Path key = tmp.resolve("relay-key.pem");
        Launcher.Result made = ExternalTool.run(Duration.ofSeconds(60), null, List.of("openssl", "req", "-x509",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "2", "-subj", "/CN=relay.test", "-addext",
                "subjectAltName=IP:127.0.0.1"));
        assertThat(made.exitCode()).as(made.toString()).isZero();
        relayDir = Files.createDirectories(tmp.resolve("relay"));
        relay = new ProcessBuilder(ExternalTool.PYTHON, RECEIVER.toString(), "0", relayDir.toString(), cert.toString(),
                key.toString(), RELAY_LOGIN, RELAY_SECRET).redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("relay start-up").startsWith("listening ");
        int port = Integer.parseInt(line.substring("listening ".length()).strip());

        postern = new Launcher(tmp.resolve("data"))
                .env("POSTERN_OUTBOUND_RELAY", "127.0.0.1:" + port)
                .env("POSTERN_OUTBOUND_RELAY_CA", cert.toString())
                .env("POSTERN_OUTBOUND_RETRY_BASE", "1s")
                .env("POSTERN_OUTBOUND_RETRY_MAX", "2s");
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain("example.test").user(ALICE);
        }
        // Wrong credentials first.
        ok(postern.runWithInput("not-the-password\n".getBytes(StandardCharsets.UTF_8), "relay", "set", RELAY_LOGIN,
                "--password-stdin"));
        server = RunningServer.start(postern, "mail.example.test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (relay != null) {
            relay.destroyForcibly();
        }
    }

    @Test
    void remoteMailGoesThroughTheSmarthostAndNewCredentialsApplyWithoutARestart() throws Exception {
        String send = """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='laptop.example.test')
                s.starttls(context=ctx)
                s.login(sys.argv[2], sys.argv[3])
                s.sendmail(sys.argv[2], ['friend@far-away.test'], b'From: ' + sys.argv[2].encode()
                           + b'\\r\\nTo: friend@far-away.test\\r\\nSubject: via the smarthost\\r\\n\\r\\nhello\\r\\n')
                s.quit()
                print('sent')
                """;
        Launcher.Result sent = ExternalTool.run(Duration.ofSeconds(60), null, List.of(ExternalTool.PYTHON, "-c", send,
                Integer.toString(server.port("submission")), ALICE, PASSWORD));
        assertThat(sent.out()).as(sent.toString()).contains("sent");

        // The relay refuses the wrong password: deferred, retried, never bounced.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(relayLog()).contains("auth failed " + RELAY_LOGIN));
        Launcher.Result queued = postern.run("queue", "list");
        ok(queued);
        assertThat(queued.out()).contains("friend@far-away.test").contains("DEFERRED");
        assertThat(received()).isEmpty();

        ok(postern.runWithInput((RELAY_SECRET + "\n").getBytes(StandardCharsets.UTF_8), "relay", "set", RELAY_LOGIN,
                "--password-stdin"));
        Launcher.Result shown = postern.run("relay", "show");
        ok(shown);
        assertThat(shown.out()).contains(RELAY_LOGIN).doesNotContain(RELAY_SECRET);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(received()).hasSize(1));
        assertThat(received().getFirst()).contains("Subject: via the smarthost");
        assertThat(relayLog()).contains("auth ok " + RELAY_LOGIN);

        // The password is on disk only sealed.
        try (Stream<Path> files = Files.walk(postern.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(RELAY_SECRET);
            }
        }
        assertThat(server.output()).doesNotContain(RELAY_SECRET);
    }

    private static String relayLog() throws IOException {
        Path log = relayDir.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static List<String> received() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(relayDir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".eml")).toList()) {
                found.add(Files.readString(p));
            }
        }
        return found;
    }
}

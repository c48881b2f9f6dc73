package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.PASSWORD;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as an operator starts it: ./postern serve on the embedded default. */
class ServeE2ETest {
    @TempDir
    Path tmp;

    static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return "exit=" + p.exitValue() + "\n" + out;
    }

    @Test
    void serveListensOverHttpsWritesPortsJsonAndTheCliWorksBesideIt() throws Exception {
        Launcher postern = new Launcher(tmp.resolve("data"));
        try (RunningServer server = RunningServer.start(postern)) {
            int http = server.port("http");
            assertThat(http).isPositive();
            String health = curl("-k", "-i", "https://127.0.0.1:" + http + "/health");
            assertThat(health).startsWith("exit=0").contains("HTTP/").contains(" 200").contains("{\"status\":\"ok\"}")
                    .containsIgnoringCase("strict-transport-security").containsIgnoringCase("content-security-policy");
            assertThat(curl("-k", "https://127.0.0.1:" + http + "/ready")).contains("\"ready\"");
            assertThat(curl("-k", "-i", "https://127.0.0.1:" + http + "/no/such/route")).contains(" 404");
            // Plain HTTP to the HTTPS port gets nothing useful.
            assertThat(curl("http://127.0.0.1:" + http + "/health")).doesNotContain("\"ok\"");
            // Only modern TLS.
            assertThat(curl("-k", "--tlsv1.1", "--tls-max", "1.1", "https://127.0.0.1:" + http + "/health"))
                    .doesNotStartWith("exit=0");
            // The certificate is the generated one, for the configured hostname.
            assertThat(curl("-k", "-v", "https://127.0.0.1:" + http + "/health")).contains("mail.test.example");

            // The admin CLI works on the same data while the server runs.
            ok(postern.run("domain", "add", "example.org"));
            ok(postern.runWithInput(PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
            ok(postern.runWithInput("Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII), "mail",
                    "import", "alice@example.org"));
            ok(postern.run("keys", "rotate"));
            ok(postern.run("store", "verify"));

            // One server per data directory.
            Launcher.Result second = postern.run("serve");
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.err()).contains("already running");

            String printed = server.stop();
            assertThat(printed).contains("listening http on 127.0.0.1:" + http);
        }
        assertThat(tmp.resolve("data/ports.json")).doesNotExist();
    }

    @Test
    void theServerRestartsOnTheSameDataWithTheSameCertificateAndKeys() throws Exception {
        Launcher postern = new Launcher(tmp.resolve("data"));
        String cert;
        try (RunningServer server = RunningServer.start(postern)) {
            cert = Files.readString(tmp.resolve("data/tls/cert.pem"));
            server.stop();
        }
        try (RunningServer server = RunningServer.start(postern)) {
            assertThat(Files.readString(tmp.resolve("data/tls/cert.pem"))).isEqualTo(cert);
            assertThat(curl("-k", "https://127.0.0.1:" + server.port("http") + "/health")).contains("\"ok\"");
        }
    }
}

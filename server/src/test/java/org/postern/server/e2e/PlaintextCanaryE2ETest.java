package org.postern.server.e2e;

import org.postern.mta.checks.LoopbackDns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plants unique canary strings in every path that carries user content or secrets (password,
 * address note, message subject, body, sender name, attachment name), drives every verb and the
 * server, then greps every file under the data directory, every line any process printed, and
 * (on PostgreSQL) a dump of the database for them in plaintext.
 */
class PlaintextCanaryE2ETest {
    @TempDir
    Path tmp;

    private final String tag = HexFormat.of().formatHex(randomBytes());
    private final String password = "PwCanary" + tag;
    private final String note = "NoteCanary" + tag;
    private final String subject = "SubjCanary" + tag;
    private final String body = "BodyCanary" + tag;
    private final String senderName = "NameCanary" + tag;
    private final String attachment = "FileCanary" + tag;
    private final String secretLocalPart = "hidden" + tag;

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private List<String> canaries() {
        return List.of(password, note, subject, body, senderName, attachment);
    }

    private byte[] message() {
        return ("From: " + senderName + " <sender@remote.test>\r\nTo: " + secretLocalPart + "@example.org\r\n"
                + "Subject: " + subject + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
                + "--zz\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n--zz\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"" + attachment + ".bin\"\r\n\r\n" + body + "\r\n--zz--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void exerciseEveryPath(Launcher postern) throws Exception {
        postern.env("POSTERN_LOG_LEVEL", "debug");
        // Room for a send request whose message spills past the spool's in-memory megabyte.
        postern.env("POSTERN_HTTP_MAX_REQUEST_BYTES", "8MiB");
        try (LoopbackDns dns = LoopbackDns.zone().txt("remote.test", "v=spf1 ip4:127.0.0.1 -all").start()) {
            postern.env("POSTERN_DNS_SERVERS", dns.serverSpec());
            exerciseEveryPathWithDns(postern);
        }
    }

    private void exerciseEveryPathWithDns(Launcher postern) throws Exception {
        try (RunningServer server = RunningServer.start(postern, RunningServer.MX_HOSTNAME)) {
            ok(postern.run("domain", "add", "example.org"));
            ok(postern.runWithInput((password + "\n").getBytes(StandardCharsets.UTF_8), "user", "add",
                    "alice@example.org", "--password-stdin"));
            ok(postern.run("address", "add", "alice@example.org", secretLocalPart + "@example.org", "--note", note));
            ok(postern.run("address", "list"));
            ok(postern.runWithInput(message(), "mail", "import", "alice@example.org"));
            ok(postern.runWithInput(message(), "mail", "import", "alice@example.org", "--mailbox", "Archive"));
            ok(postern.run("keys", "rotate"));
            ok(postern.run("store", "verify"));
            ok(postern.run("store", "purge", "--older-than-days", "0"));
            // Through the MX: a small message (spooled in memory) and a large one (spilled to the
            // encrypted spool file), both delivered to the secret address.
            try (SmtpConnection smtp = SmtpConnection.ready(server.smtpPort())) {
                assertThat(smtp.send("sender@remote.test", secretLocalPart + "@example.org", message()).code())
                        .isEqualTo(250);
                byte[] big = (new String(message(), StandardCharsets.UTF_8) + (body + " padding line\r\n").repeat(60_000))
                        .getBytes(StandardCharsets.UTF_8);
                assertThat(smtp.send("sender@remote.test", secretLocalPart + "@example.org", big).code()).isEqualTo(250);
                // A refused recipient is logged, redacted.
                assertThat(smtp.command("RSET").code()).isEqualTo(250);
            }
            Launcher.Result inbox = postern.run("mail", "list", "alice@example.org");
            assertThat(inbox.out().lines().count()).isEqualTo(3);
            ok(postern.run("store", "verify"));
            exerciseMailApi(server);
            ok(postern.run("address", "revoke", secretLocalPart + "@example.org"));
            ServeE2ETest.curl("-k", "https://127.0.0.1:" + server.port("http") + "/health");
            ServeE2ETest.curl("-k", "https://127.0.0.1:" + server.port("http") + "/" + subject);
            server.stop();
        }
    }

    /** The mail API reads, renders, searches and serves the same messages: none of it may log or spool content. */
    private void exerciseMailApi(RunningServer server) throws Exception {
        ApiClient api = new ApiClient(server.port("http"));
        String token = api.post("/api/v1/auth/sign-in", null,
                IdentityE2ETest.body("login", "alice@example.org", "password", password)).text("access_token");
        String inbox = null;
        for (JsonNode box : api.get("/api/v1/mailboxes", token).body().get("mailboxes")) {
            if (box.get("name").asText().equals("INBOX")) {
                inbox = box.get("id").asText();
            }
        }
        JsonNode messages = api.get("/api/v1/mailboxes/" + inbox + "/messages", token).body().get("messages");
        assertThat(messages).isNotEmpty();
        for (JsonNode m : messages) {
            ApiClient.Response full = api.get("/api/v1/messages/" + m.get("id").asText(), token);
            assertThat(full.text("text")).contains(body);
            for (JsonNode a : full.body().get("attachments")) {
                ServeE2ETest.curl("-k", "-o", "/dev/null", "-H", "Authorization: Bearer " + token,
                        "https://127.0.0.1:" + server.port("http") + a.get("url").asText());
            }
        }
        assertThat(api.get("/api/v1/messages?body=" + body, token).body().get("messages")).isNotEmpty();
        assertThat(api.get("/api/v1/messages?subject=" + subject, token).body().get("messages")).isNotEmpty();

        // Sending through the API: composed, spooled (past the in-memory part, so on disk), signed,
        // stored for a local recipient and the Sent copy, and queued for a remote one.
        java.util.Map<String, Object> send = new java.util.LinkedHashMap<>();
        send.put("from", "alice@example.org");
        send.put("from_name", senderName);
        send.put("to", List.of(secretLocalPart + "@example.org", "someone@remote.test"));
        send.put("subject", subject);
        send.put("text", (body + " padding line\n").repeat(60_000));
        send.put("attachments", List.of(java.util.Map.of("filename", attachment + ".txt", "content_type", "text/plain",
                "content_base64", java.util.Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))));
        ApiClient.Response sent = api.post("/api/v1/messages/send", token, send);
        assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
    }

    private void assertNoCanaryInFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String canary : canaries()) {
                    assertThat(content).as("plaintext canary in " + f).doesNotContain(canary);
                }
            }
        }
    }

    private void assertNoSecretInLogs(Launcher postern) throws IOException {
        String logs = postern.transcript();
        assertThat(logs).isNotBlank();
        for (String canary : List.of(password, subject, body, senderName, attachment)) {
            assertThat(logs).as("logs").doesNotContain(canary);
        }
        // Addresses in server logs keep only their domain.
        assertThat(logs).doesNotContain("sender@remote.test");
        // The master key material never appears outside its own file.
        for (String line : Files.readAllLines(postern.dataDir().resolve("keys/master.keys"))) {
            String[] parts = line.split(" ");
            if (parts.length == 3) {
                assertThat(logs).doesNotContain(parts[2]);
            }
        }
    }

    @Test
    void noPlaintextReachesDiskOrLogsOnTheEmbeddedDefault() throws Exception {
        Launcher postern = new Launcher(tmp.resolve("data"));
        exerciseEveryPath(postern);
        assertNoCanaryInFiles(postern.dataDir());
        assertNoSecretInLogs(postern);
        // The note is shown to the operator who asked for it (address list), but never stored in the clear.
        assertThat(postern.transcript()).contains(note);
    }

    @Test
    void noPlaintextReachesPostgresqlOrLogs() throws Exception {
        try (PostgresDatabase db = new PostgresDatabase()) {
            Launcher postern = db.configure(new Launcher(tmp.resolve("data")));
            exerciseEveryPath(postern);
            assertNoCanaryInFiles(postern.dataDir());
            assertNoSecretInLogs(postern);
            Path dump = tmp.resolve("dump.sql");
            List<String> cmd = new ArrayList<>(List.of("pg_dump", "-h", "127.0.0.1", "-U", db.user(), "-f",
                    dump.toString(), db.name()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            String sql = Files.readString(dump, StandardCharsets.ISO_8859_1);
            assertThat(sql).contains("alice@example.org");
            for (String canary : canaries()) {
                // bytea columns dump as hex: look for the canary in both spellings.
                String hex = HexFormat.of().formatHex(canary.getBytes(StandardCharsets.UTF_8));
                assertThat(sql).as("plaintext canary in the database").doesNotContain(canary).doesNotContain(hex);
            }
        }
    }
}

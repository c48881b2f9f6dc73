package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;
import static org.postern.server.e2e.TwoTenants.body;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.ApiClient.Response;

/**
 * Per-tenant submission limits on a real {@code ./postern serve}: tenant A ("default", a.test)
 * gets lower limits than the server's, tenant B ("beta", b.test) keeps the defaults. A's users are
 * refused at A's limits on SMTP submission (Python smtplib over STARTTLS) and the send API while
 * B's users, same messages, get through; a change through the admin API or the operator CLI applies
 * to the next message of the running server; refusals and changes are in the tenant's audit log;
 * a tenant admin sees and changes only their own tenant's limits, and only downwards.
 */
class TenantLimitsE2ETest {
    private static final String A = "a.test";
    private static final String B = "b.test";
    private static final String ROOT = "root@a.test";
    private static final String A_ADMIN = "admin@a.test";
    private static final String B_ADMIN = "admin@b.test";
    private static final String PASSWORD = "a long passphrase for tests";
    /** The server's defaults (tenant B's limits throughout). */
    private static final int SERVER_RECIPIENTS = 5;
    private static final int SERVER_PER_HOUR = 20;
    private static final long SERVER_SIZE = 64 * 1024;

    @TempDir
    static Path tmp;

    static Launcher postern;
    static RunningServer server;
    static ApiClient api;
    static String rootToken;
    static String aAdminToken;
    static String aTenant;
    static String bTenant;

    @BeforeAll
    static void start() throws Exception {
        postern = new Launcher(tmp.resolve("data"))
                .env("POSTERN_SUBMISSION_MAX_MESSAGE_BYTES", "64KiB")
                .env("POSTERN_SUBMISSION_MAX_RECIPIENTS", Integer.toString(SERVER_RECIPIENTS))
                .env("POSTERN_SUBMISSION_MESSAGES_PER_HOUR", Integer.toString(SERVER_PER_HOUR));
        ok(postern.run("domain", "add", A));
        ok(postern.run("tenant", "add", "beta"));
        ok(postern.run("domain", "add", B, "--tenant", "beta"));
        addUser(ROOT, "server-admin");
        addUser(A_ADMIN, "tenant-admin");
        addUser(B_ADMIN, "tenant-admin");
        for (String domain : List.of(A, B)) {
            for (int i = 1; i <= 6; i++) {
                addUser("u" + i + "@" + domain, "user");
            }
        }
        server = RunningServer.start(postern);
        api = new ApiClient(server.port("http")).checked();
        rootToken = TwoTenants.adminSignIn(api, ROOT, PASSWORD);
        aAdminToken = TwoTenants.adminSignIn(api, A_ADMIN, PASSWORD);
        aTenant = api.get("/api/v1/me", aAdminToken).text("tenant_id");
        bTenant = api.get("/api/v1/me", TwoTenants.adminSignIn(api, B_ADMIN, PASSWORD)).text("tenant_id");
        assertThat(aTenant).isNotEqualTo(bTenant);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void addUser(String login, String role) {
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", login, "--role",
                role, "--password-stdin"));
    }

    /**
     * smtplib on 587: STARTTLS, login, one message (argv[5]) from argv[3] to the comma-separated
     * argv[4]. Prints what became of it; exit 4 when the message was refused as a whole.
     */
    private static final String SMTPLIB_SEND = """
            import smtplib, ssl, sys
            port, user, mail_from, rcpts, message = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = smtplib.SMTP('127.0.0.1', port, local_hostname='laptop.example.test')
            s.starttls(context=ctx)
            s.ehlo()
            s.login(user, sys.argv[6])
            try:
                refused = s.sendmail(mail_from, rcpts.split(','), message.replace('\\n', '\\r\\n').encode())
            except smtplib.SMTPRecipientsRefused as e:
                for r, (code, text) in e.recipients.items():
                    print('rcpt-refused', code, text.decode())
                raise SystemExit(4)
            except smtplib.SMTPResponseException as e:
                print('send-refused', e.smtp_code, e.smtp_error.decode())
                raise SystemExit(4)
            for r, (code, text) in refused.items():
                print('rcpt-refused', code, text.decode())
            print('sent', len(rcpts.split(',')) - len(refused))
            s.quit()
            """;

    private static Launcher.Result smtp(String from, List<String> to, String text) {
        List<String> cmd = new ArrayList<>(List.of(ExternalTool.PYTHON, "-c", SMTPLIB_SEND,
                Integer.toString(server.port("submission")), from, from, String.join(",", to),
                message(from, to, text), PASSWORD));
        return ExternalTool.run(Duration.ofSeconds(90), null, cmd);
    }

    private static String message(String from, List<String> to, String text) {
        return "From: " + from + "\nTo: " + String.join(", ", to) + "\nSubject: limits\n\n" + text + "\n";
    }

    private static Response apiSend(String from, List<String> to, String text) {
        Response signIn = api.post("/api/v1/auth/sign-in", null, body("login", from, "password", PASSWORD));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from);
        m.put("to", to);
        m.put("subject", "limits");
        m.put("text", text);
        return api.post("/api/v1/messages/send", signIn.text("access_token"), m);
    }

    private static Response putLimits(String token, String tenant, Map<String, Object> limits) {
        return api.put("/api/v1/admin/tenants/" + tenant + "/limits", token, limits);
    }

    private static List<String> users(String domain, int... numbers) {
        List<String> out = new ArrayList<>();
        for (int n : numbers) {
            out.add("u" + n + "@" + domain);
        }
        return out;
    }

    /** A's audit entries with this action, newest first. */
    private static List<JsonNode> audit(String tenant, String action) {
        Response page = api.get("/api/v1/admin/tenants/" + tenant + "/audit-log?limit=200", rootToken);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        page.body().get("entries").forEach(e -> {
            if (e.get("action").asText().equals(action)) {
                out.add(e);
            }
        });
        return out;
    }

    private static boolean refusedFor(JsonNode entry, String reason, String limit) {
        JsonNode d = entry.get("details");
        return entry.get("outcome").asText().equals("refused") && d.path("reason").asText().equals(reason)
                && d.path("limit").asText().equals(limit);
    }

    @Test
    void recipientLimitIsTheTenantsAndAnApiChangeAppliesToTheNextMessage() {
        Response set = putLimits(rootToken, aTenant, body("max_recipients", 2));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.body().get("max_recipients").asInt()).isEqualTo(2);
        assertThat(set.body().get("overrides").get("max_recipients").asInt()).isEqualTo(2);
        assertThat(set.body().get("overrides").get("messages_per_hour").isNull()).isTrue();
        assertThat(set.body().get("messages_per_hour").asInt()).isEqualTo(SERVER_PER_HOUR);
        assertThat(set.body().get("server").get("max_recipients").asInt()).isEqualTo(SERVER_RECIPIENTS);

        Launcher.Result a = smtp("u1@a.test", users(A, 2, 3, 4), "three recipients");
        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(a.out()).as(a.toString()).contains("rcpt-refused 452 4.5.3").contains("sent 2");
        Launcher.Result b = smtp("u1@b.test", users(B, 2, 3, 4), "three recipients");
        assertThat(b.out()).as(b.toString()).doesNotContain("refused").contains("sent 3");

        Response apiA = apiSend("u1@a.test", users(A, 2, 3, 4), "three recipients");
        assertThat(apiA.status()).as(apiA.toString()).isEqualTo(400);
        assertThat(apiA.raw()).contains("at most 2 recipients");
        Response apiB = apiSend("u1@b.test", users(B, 2, 3, 4), "three recipients");
        assertThat(apiB.status()).as(apiB.toString()).isEqualTo(201);

        // Raised through the API: the running server takes it for the next message.
        assertThat(putLimits(rootToken, aTenant, body("max_recipients", 3)).status()).isEqualTo(200);
        Launcher.Result again = smtp("u1@a.test", users(A, 2, 3, 4), "three recipients");
        assertThat(again.out()).as(again.toString()).doesNotContain("refused").contains("sent 3");

        assertThat(audit(aTenant, "smtp.submission")).anyMatch(e -> refusedFor(e, "recipients_per_message", "2"));
        assertThat(audit(aTenant, "api.send")).anyMatch(e -> refusedFor(e, "recipients_per_message", "2"));
        assertThat(audit(bTenant, "smtp.submission")).noneMatch(e -> e.get("outcome").asText().equals("refused"));
        List<JsonNode> changes = audit(aTenant, "tenant.submission_limits");
        assertThat(changes).anyMatch(e -> e.get("details").get("max_recipients").asText().equals("2")
                && e.get("details").get("messages_per_hour").asText().equals("default")
                && e.get("actor").asText().startsWith("user:"));
    }

    @Test
    void sizeLimitIsTheTenantsAnnouncedAfterAuthAndTheCliChangesItWhileRunning() throws Exception {
        Launcher.Result cli = postern.run("tenant", "limits", "default", "--max-message-size", "2KiB");
        ok(cli);
        assertThat(cli.out()).contains("max_message_bytes=2048").contains("max_recipients=" + SERVER_RECIPIENTS
                + " (default)");
        Launcher.Result shown = postern.run("tenant", "limits", "beta", "--json");
        ok(shown);
        assertThat(shown.out()).contains("\"max_message_bytes\":\"" + SERVER_SIZE + "\"")
                .contains("\"max_message_bytes_set\":\"false\"");

        // EHLO again after AUTH: SIZE is the user's tenant's limit.
        for (String[] expected : List.of(new String[] {"u2@a.test", "SIZE 2048"},
                new String[] {"u2@b.test", "SIZE " + SERVER_SIZE})) {
            try (SmtpConnection c = SmtpConnection.ready(server.port("submission"))) {
                c.startTls();
                c.command("EHLO laptop.example.test").require(250);
                c.command("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + expected[0] + "\0" + PASSWORD)
                        .getBytes(StandardCharsets.UTF_8))).require(235);
                SmtpConnection.Reply ehlo = c.command("EHLO laptop.example.test").require(250);
                assertThat(ehlo.lines()).as(ehlo.toString()).contains(expected[1]);
                // Without SIZE= the limit holds at the end of DATA.
                if (expected[0].endsWith(A)) {
                    SmtpConnection.Reply data = c.send(expected[0], List.of("u3@a.test"), ("From: " + expected[0] + "\r\nSubject: big\r\n\r\n"
                            + "x".repeat(70).concat("\r\n").repeat(60)).getBytes(StandardCharsets.US_ASCII));
                    assertThat(data.code()).as(data.toString()).isEqualTo(552);
                }
            }
        }

        String big = "y".repeat(70).concat("\n").repeat(60);
        Launcher.Result a = smtp("u2@a.test", users(A, 3), big);
        assertThat(a.exitCode()).as(a.toString()).isEqualTo(4);
        assertThat(a.out()).as(a.toString()).contains("send-refused 552 5.3.4");
        Launcher.Result b = smtp("u2@b.test", users(B, 3), big);
        assertThat(b.out()).as(b.toString()).contains("sent 1");
        Response apiA = apiSend("u2@a.test", users(A, 3), big);
        assertThat(apiA.status()).as(apiA.toString()).isEqualTo(413);
        assertThat(apiSend("u2@b.test", users(B, 3), big).status()).isEqualTo(201);

        ok(postern.run("tenant", "limits", "default", "--reset"));
        Launcher.Result after = smtp("u2@a.test", users(A, 3), big);
        assertThat(after.out()).as(after.toString()).contains("sent 1");

        assertThat(audit(aTenant, "smtp.submission")).anyMatch(e -> refusedFor(e, "message_size", "2048"));
        assertThat(audit(aTenant, "api.send")).anyMatch(e -> refusedFor(e, "message_size", "2048"));
        assertThat(audit(aTenant, "tenant.submission_limits")).anyMatch(e -> e.get("actor").asText().equals("operator")
                && e.get("details").get("max_message_bytes").asText().equals("2048"))
                .anyMatch(e -> e.get("actor").asText().equals("operator")
                        && e.get("details").get("was_max_message_bytes").asText().equals("2048")
                        && e.get("details").get("max_message_bytes").asText().equals("default"));
    }

    @Test
    void hourlyLimitIsTheTenantsOwn() {
        assertThat(putLimits(rootToken, aTenant, body("messages_per_hour", 2)).status()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            Launcher.Result a = smtp("u4@a.test", users(A, 5), "hourly " + i);
            assertThat(a.out()).as(a.toString()).contains("sent 1");
        }
        Launcher.Result third = smtp("u4@a.test", users(A, 5), "hourly 3");
        assertThat(third.out()).as(third.toString()).contains("send-refused 450 4.7.1");
        Response apiA = apiSend("u4@a.test", users(A, 5), "hourly api");
        assertThat(apiA.status()).as(apiA.toString()).isEqualTo(429);
        assertThat(apiA.header("Retry-After")).isNotNull();
        for (int i = 0; i < 3; i++) {
            Launcher.Result b = smtp("u4@b.test", users(B, 5), "hourly " + i);
            assertThat(b.out()).as(b.toString()).contains("sent 1");
        }
        assertThat(apiSend("u4@b.test", users(B, 5), "hourly api").status()).isEqualTo(201);
        assertThat(audit(aTenant, "smtp.submission")).anyMatch(e -> refusedFor(e, "messages_per_hour", "2"));
        assertThat(audit(aTenant, "api.send")).anyMatch(e -> refusedFor(e, "messages_per_hour", "2"));
        assertThat(putLimits(rootToken, aTenant, body()).status()).isEqualTo(200);
    }

    @Test
    void aTenantAdminSeesOnlyTheirOwnTenantsLimitsAndMayOnlyLowerThem() {
        Response own = api.get("/api/v1/admin/tenants/" + aTenant + "/limits", aAdminToken);
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(own.text("tenant_id")).isEqualTo(aTenant);
        Response other = api.get("/api/v1/admin/tenants/" + bTenant + "/limits", aAdminToken);
        assertThat(other.status()).as(other.toString()).isEqualTo(404);
        Response otherPut = putLimits(aAdminToken, bTenant, body("max_recipients", 1));
        assertThat(otherPut.status()).as(otherPut.toString()).isEqualTo(404);
        assertThat(api.get("/api/v1/admin/tenants/" + bTenant + "/limits", rootToken).body().get("overrides")
                .get("max_recipients").isNull()).as("B unchanged").isTrue();

        Response raise = putLimits(aAdminToken, aTenant, body("max_recipients", SERVER_RECIPIENTS + 1));
        assertThat(raise.status()).as(raise.toString()).isEqualTo(400);
        assertThat(raise.raw()).contains("max_recipients");
        Response lower = putLimits(aAdminToken, aTenant, body("max_recipients", 4, "messages_per_hour", 10));
        assertThat(lower.status()).as(lower.toString()).isEqualTo(200);
        assertThat(lower.body().get("max_recipients").asInt()).isEqualTo(4);
        // A server admin may grant more than the default; the tenant admin may keep it while changing another.
        assertThat(putLimits(rootToken, aTenant, body("max_recipients", 50)).status()).isEqualTo(200);
        Response keep = putLimits(aAdminToken, aTenant, body("max_recipients", 50, "messages_per_hour", 3));
        assertThat(keep.status()).as(keep.toString()).isEqualTo(200);
        assertThat(keep.body().get("max_recipients").asInt()).isEqualTo(50);

        Map<String, Object> nothing = new LinkedHashMap<>();
        nothing.put("max_recipients", null);
        for (Map.Entry<Map<String, Object>, String> bad : Map.of(
                body("max_recipients", 0), "max_recipients",
                body("max_message_bytes", 100), "max_message_bytes",
                body("messages_per_hour", 1_000_001), "messages_per_hour",
                body("max_message_bytes", "big"), "max_message_bytes",
                body("max_recipients", 2.5), "max_recipients",
                body("max_size", 5), "max_size").entrySet()) {
            Response r = api.put("/api/v1/admin/tenants/" + aTenant + "/limits", rootToken, bad.getKey());
            assertThat(r.status()).as(bad.getKey() + " " + r).isEqualTo(400);
            assertThat(r.raw()).as(r.toString()).contains(bad.getValue());
        }
        Response user = api.get("/api/v1/admin/tenants/" + aTenant + "/limits", signIn("u6@a.test"));
        assertThat(user.status()).as(user.toString()).isIn(403, 404);

        Response reset = putLimits(rootToken, aTenant, nothing);
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        assertThat(reset.body().get("overrides").get("max_recipients").isNull()).isTrue();
        assertThat(reset.body().get("max_recipients").asInt()).isEqualTo(SERVER_RECIPIENTS);
        assertThat(audit(aTenant, "tenant.submission_limits")).anyMatch(e -> e.get("actor").asText()
                .equals("user:" + api.get("/api/v1/me", aAdminToken).text("user_id"))
                && e.get("details").get("max_recipients").asText().equals("4"));
    }

    private static String signIn(String login) {
        Response r = api.post("/api/v1/auth/sign-in", null, body("login", login, "password", PASSWORD));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.text("access_token");
    }
}

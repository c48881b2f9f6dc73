package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.ApiClient.Response;
import org.postern.server.e2e.Launcher.Result;

/**
 * Identity through the real server and curl: invitation, verification, sign-in with TOTP,
 * refresh-token rotation and reuse, app passwords and API tokens, throttling without
 * enumeration, recovery, sessions and the audit log.
 */
class IdentityE2ETest {
    static final String ADMIN_PASSWORD = "admin correct horse battery";
    static final String ALICE_PASSWORD = "alice's long passphrase 42";

    @TempDir
    Path tmp;

    Launcher postern;
    RunningServer server;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        postern = new Launcher(tmp.resolve("data"));
        postern.env("POSTERN_SIGNIN_LOCK_AFTER", "5");
        ok(postern.run("domain", "add", "example.org"));
        ok(postern.runWithInput((ADMIN_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add",
                "root@example.org", "--admin", "--password-stdin"));
        server = RunningServer.start(postern);
        api = new ApiClient(server.port("http"));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static void ok(Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The newest code of {@code kind} sent to {@code recipient}, read from the outbox like the operator would. */
    String codeFromOutbox(String recipient, String kind) throws Exception {
        Result r = postern.run("outbox", "list", "--json");
        ok(r);
        for (String line : r.out().lines().toList()) {
            JsonNode n = ApiClient.JSON.readTree(line);
            if (n.path("recipient").asText().equals(recipient) && n.path("kind").asText().equals(kind)) {
                Matcher m = Pattern.compile("\\b(\\d{8})\\b").matcher(n.path("body").asText());
                assertThat(m.find()).as(line).isTrue();
                return m.group(1);
            }
        }
        throw new AssertionError("no " + kind + " notice for " + recipient + " in\n" + r.out());
    }

    /** Invites alice, accepts, verifies her address; returns her full tokens. */
    JsonNode onboardAlice() throws Exception {
        Result invite = postern.run("invite", "create", "alice@example.org");
        ok(invite);
        String token = invite.out().lines().filter(l -> l.startsWith("token ")).findFirst().orElseThrow().substring(6);

        Response weak = api.post("/api/v1/auth/invites/accept", null,
                body("token", token, "password", "password1234", "email", "alice@home.example"));
        assertThat(weak.status()).as(weak.toString()).isEqualTo(400);
        assertThat(weak.text("message")).contains("common");

        Response accepted = api.post("/api/v1/auth/invites/accept", null,
                body("token", token, "password", ALICE_PASSWORD, "email", "alice@home.example"));
        assertThat(accepted.status()).as(accepted + "\n" + server.output()).isEqualTo(201);
        Response again = api.post("/api/v1/auth/invites/accept", null,
                body("token", token, "password", ALICE_PASSWORD, "email", "alice@home.example"));
        assertThat(again.status()).as("an invite works once").isEqualTo(401);

        Response signIn = api.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", ALICE_PASSWORD));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        assertThat(signIn.text("level")).isEqualTo("verify_email");
        String restricted = signIn.text("access_token");
        Response denied = api.get("/api/v1/auth/sessions", restricted);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.text("error")).isEqualTo("email_verification_required");

        assertThat(api.post("/api/v1/auth/verify-email", restricted, body("code", "00000000")).status()).isEqualTo(403);
        String code = codeFromOutbox("alice@home.example", "verify-email");
        Response verified = api.post("/api/v1/auth/verify-email", restricted, body("code", code));
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.text("level")).isEqualTo("full");
        assertThat(api.get("/api/v1/me", restricted).status()).as("the restricted session ended").isEqualTo(401);
        return verified.body();
    }

    @Test
    void inviteVerifyTotpAndRefreshRotation() throws Exception {
        JsonNode tokens = onboardAlice();
        String access = tokens.get("access_token").asText();
        assertThat(api.get("/api/v1/me", access).text("role")).isEqualTo("user");

        // Enrol TOTP: secret, then a first code confirms and returns ten recovery codes.
        Response setup = api.post("/api/v1/auth/mfa/totp", access, body());
        assertThat(setup.status()).as(setup.toString()).isEqualTo(200);
        assertThat(setup.text("otpauth_uri")).startsWith("otpauth://totp/Postern:alice%40example.org?secret=");
        Authenticator phone = new Authenticator(setup.text("secret"));
        long step = phone.step();
        Response confirmed = api.post("/api/v1/auth/mfa/totp/confirm", access, body("code", phone.code(step)));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        List<String> recovery = new ArrayList<>();
        confirmed.body().get("recovery_codes").forEach(n -> recovery.add(n.asText()));
        assertThat(recovery).hasSize(10).doesNotHaveDuplicates();
        access = confirmed.body().get("tokens").get("access_token").asText();

        // Signing in now needs the second factor; the code already used is refused (replay).
        Response first = api.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", ALICE_PASSWORD));
        assertThat(first.body().get("second_factor_required").asBoolean()).isTrue();
        assertThat(first.body().has("access_token")).isFalse();
        Response replay = api.post("/api/v1/auth/sign-in/second-factor", null,
                body("challenge", first.text("challenge"), "code", phone.code(step)));
        assertThat(replay.status()).as("a TOTP code works once").isEqualTo(401);
        Response fresh = api.post("/api/v1/auth/sign-in/second-factor", null,
                body("challenge", first.text("challenge"), "code", phone.code(step + 1)));
        assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
        Response replayAgain = api.post("/api/v1/auth/sign-in/second-factor", null,
                body("challenge", first.text("challenge"), "code", phone.code(step + 1)));
        assertThat(replayAgain.status()).as("the challenge is spent too").isEqualTo(401);

        // A recovery code signs in once.
        Response second = api.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", ALICE_PASSWORD));
        Response withRecovery = api.post("/api/v1/auth/sign-in/second-factor", null,
                body("challenge", second.text("challenge"), "code", recovery.get(0)));
        assertThat(withRecovery.status()).as(withRecovery.toString()).isEqualTo(200);
        Response third = api.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", ALICE_PASSWORD));
        assertThat(api.post("/api/v1/auth/sign-in/second-factor", null,
                body("challenge", third.text("challenge"), "code", recovery.get(0))).status()).isEqualTo(401);

        // Refresh tokens rotate; presenting a spent one ends the whole session.
        String r1 = fresh.text("refresh_token");
        String a1 = fresh.text("access_token");
        Response rotated = api.post("/api/v1/auth/refresh", null, body("refresh_token", r1));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String r2 = rotated.text("refresh_token");
        assertThat(r2).isNotEqualTo(r1);
        assertThat(api.get("/api/v1/me", rotated.text("access_token")).status()).isEqualTo(200);
        Response reuse = api.post("/api/v1/auth/refresh", null, body("refresh_token", r1));
        assertThat(reuse.status()).isEqualTo(401);
        assertThat(reuse.text("error")).isEqualTo("invalid_grant");
        assertThat(api.post("/api/v1/auth/refresh", null, body("refresh_token", r2)).status())
                .as("the reuse revoked the whole family").isEqualTo(401);
        assertThat(api.get("/api/v1/me", rotated.text("access_token")).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", a1).status()).isEqualTo(401);
        // Another session of hers is untouched.
        assertThat(api.get("/api/v1/me", withRecovery.text("access_token")).status()).isEqualTo(200);

        // Her audit log shows her own story and nothing of the admin's; the chain verifies.
        Response log = api.get("/api/v1/audit-log?limit=200", withRecovery.text("access_token"));
        assertThat(log.status()).as(log.toString()).isEqualTo(200);
        List<String> actions = new ArrayList<>();
        log.body().get("entries").forEach(e -> actions.add(e.get("action").asText() + ":" + e.get("outcome").asText()));
        assertThat(actions).contains("invite.accept:success", "email.verify:success", "mfa.enrol:success",
                "signin.totp:failure", "signin:success", "token.reuse:denied");
        assertThat(log.raw()).doesNotContain("root@example.org").doesNotContain(ALICE_PASSWORD).doesNotContain(r1);
        ok(postern.run("audit-log", "verify"));
    }

    @Test
    void adminWithoutMfaGetsOnlyAnEnrolmentSession() throws Exception {
        Response signIn = api.post("/api/v1/auth/sign-in", null, body("login", "root@example.org", "password", ADMIN_PASSWORD));
        assertThat(signIn.status()).isEqualTo(200);
        assertThat(signIn.text("level")).isEqualTo("enrol_mfa");
        String limited = signIn.text("access_token");
        assertThat(api.get("/api/v1/me", limited).text("level")).isEqualTo("enrol_mfa");
        Response adminCall = api.post("/api/v1/admin/invites", limited, body("login", "bob@example.org"));
        assertThat(adminCall.status()).isEqualTo(403);
        assertThat(adminCall.text("error")).isEqualTo("mfa_enrolment_required");
        assertThat(api.post("/api/v1/auth/app-passwords", limited, body("name", "x")).status()).isEqualTo(403);
        // Even a restricted session can sign out.
        Response other = api.post("/api/v1/auth/sign-in", null, body("login", "root@example.org", "password", ADMIN_PASSWORD));
        assertThat(api.post("/api/v1/auth/sign-out", other.text("access_token"), null).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", other.text("access_token")).status()).isEqualTo(401);

        Response setup = api.post("/api/v1/auth/mfa/totp", limited, body());
        Authenticator phone = new Authenticator(setup.text("secret"));
        Response confirmed = api.post("/api/v1/auth/mfa/totp/confirm", limited, body("code", phone.now()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        String full = confirmed.body().get("tokens").get("access_token").asText();
        Response invite = api.post("/api/v1/admin/invites", full, body("login", "bob@example.org", "role", "user"));
        assertThat(invite.status()).as(invite.toString()).isEqualTo(201);
        assertThat(invite.text("token")).hasSizeGreaterThan(30);
        // An admin cannot switch MFA off.
        assertThat(api.post("/api/v1/auth/mfa/totp/disable", full, body("code", phone.code(phone.step() + 1))).status())
                .isEqualTo(403);
        ok(postern.run("audit-log", "verify"));
    }

    @Test
    void failuresAreThrottledPerAccountAndAddressWithoutEnumeration() throws Exception {
        onboardAlice();
        ApiClient attacker = api.from("127.0.0.2");
        // The same answer for an unknown login and a wrong password, in similar time.
        List<Long> unknown = new ArrayList<>();
        List<Long> wrong = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Response u = attacker.post("/api/v1/auth/sign-in", null, body("login", "nobody" + i + "@example.org", "password", "guess guess guess"));
            Response w = attacker.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", "guess guess guess"));
            assertThat(u.status()).isEqualTo(401);
            assertThat(w.status()).isEqualTo(401);
            assertThat(u.raw()).isEqualTo(w.raw());
            unknown.add(u.millis());
            wrong.add(w.millis());
        }
        long mu = median(unknown);
        long mw = median(wrong);
        assertThat(Math.abs(mu - mw)).as("unknown %d ms vs wrong password %d ms", mu, mw)
                .isLessThan(Math.max(150, Math.max(mu, mw) / 2));

        // Keep guessing alice from the attacker's address until that pair is locked.
        for (int i = 0; i < 3; i++) {
            attacker.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", "guess guess guess"));
        }
        Response locked = attacker.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", ALICE_PASSWORD));
        assertThat(locked.status()).as("locked, even with the right password").isEqualTo(401);
        assertThat(locked.raw()).isEqualTo(unknownAnswer(attacker));
        // Alice, from her own address, is not locked out by the attacker.
        Response real = api.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", ALICE_PASSWORD));
        assertThat(real.status()).as(real.toString()).isEqualTo(200);

        Result audit = postern.run("audit-log", "list", "--user", "alice@example.org", "--limit", "100");
        assertThat(audit.out()).contains("signin\tfailure").contains("127.0.0.2").contains("signin\tsuccess");
        Result all = postern.run("audit-log", "list", "--limit", "200");
        assertThat(all.out()).contains("locked");
    }

    private String unknownAnswer(ApiClient client) {
        return client.post("/api/v1/auth/sign-in", null, body("login", "ghost@example.org", "password", "x".repeat(12))).raw();
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void appPasswordsApiTokensSessionsAndRecovery() throws Exception {
        JsonNode tokens = onboardAlice();
        String access = tokens.get("access_token").asText();

        Response app = api.post("/api/v1/auth/app-passwords", access, body("name", "Thunderbird", "scopes", List.of("imap")));
        assertThat(app.status()).as(app.toString()).isEqualTo(201);
        assertThat(app.text("secret")).matches("[a-z2-9]{4}(-[a-z2-9]{4}){3}");
        Response listed = api.get("/api/v1/auth/app-passwords", access);
        assertThat(listed.raw()).contains("Thunderbird").doesNotContain(app.text("secret"));

        Response token = api.post("/api/v1/auth/api-tokens", access,
                body("name", "backup script", "scopes", List.of("read-mail"), "expires_in_days", 30));
        assertThat(token.status()).as(token.toString()).isEqualTo(201);
        String apiToken = token.text("secret");
        assertThat(apiToken).startsWith("pst_");
        assertThat(api.get("/api/v1/me", apiToken).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/auth/sessions", apiToken).status()).as("read-mail does not cover the account").isEqualTo(403);
        assertThat(api.post("/api/v1/auth/api-tokens", apiToken, body("name", "y", "scopes", List.of("read-mail"))).status())
                .as("a token cannot mint tokens").isEqualTo(403);
        assertThat(api.delete("/api/v1/auth/api-tokens/" + token.text("id"), access).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", apiToken).status()).isEqualTo(401);

        // Two sessions; one ends the other; then "sign out everywhere".
        Response phone = api.withUserAgent("Phone/1").post("/api/v1/auth/sign-in", null,
                body("login", "alice@example.org", "password", ALICE_PASSWORD));
        Response sessions = api.get("/api/v1/auth/sessions", access);
        assertThat(sessions.body().get("sessions")).hasSize(2);
        assertThat(sessions.raw()).contains("Phone/1");
        assertThat(api.delete("/api/v1/auth/sessions/" + phone.text("session_id"), access).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", phone.text("access_token")).status()).isEqualTo(401);
        assertThat(api.post("/api/v1/auth/refresh", null, body("refresh_token", phone.text("refresh_token"))).status())
                .isEqualTo(401);

        // Recovery: the same answer for unknown accounts; a code to the verified address; every session ends.
        Response unknown = api.post("/api/v1/auth/recovery", null, body("login", "ghost@example.org"));
        Response known = api.post("/api/v1/auth/recovery", null, body("login", "alice@example.org"));
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(known.raw()).isEqualTo(unknown.raw());
        String code = codeFromOutbox("alice@home.example", "recovery");
        assertThat(api.post("/api/v1/auth/recovery/complete", null,
                body("login", "alice@example.org", "code", "12345678", "new_password", "a brand new passphrase")).status())
                .isEqualTo(401);
        Response reset = api.post("/api/v1/auth/recovery/complete", null,
                body("login", "alice@example.org", "code", code, "new_password", "a brand new passphrase"));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", access).status()).as("recovery ends every session").isEqualTo(401);
        assertThat(api.post("/api/v1/auth/sign-in", null, body("login", "alice@example.org", "password", ALICE_PASSWORD))
                .status()).isEqualTo(401);
        Response signIn = api.post("/api/v1/auth/sign-in", null,
                body("login", "alice@example.org", "password", "a brand new passphrase"));
        assertThat(signIn.status()).isEqualTo(200);
        assertThat(postern.run("outbox", "list").out()).contains("password was reset");

        // Password change ends every session too.
        String current = signIn.text("access_token");
        Response changed = api.post("/api/v1/auth/password", current,
                body("current_password", "a brand new passphrase", "new_password", "yet another long passphrase"));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", current).status()).isEqualTo(401);
        ok(postern.run("audit-log", "verify"));
    }

    @Test
    void forgedOrMalformedTokensAreRefusedAndJwksIsPublic() throws Exception {
        Response jwks = api.get("/.well-known/jwks.json", null);
        assertThat(jwks.status()).isEqualTo(200);
        JsonNode key = jwks.body().get("keys").get(0);
        assertThat(key.get("kty").asText()).isEqualTo("EC");
        assertThat(key.get("alg").asText()).isEqualTo("ES256");
        assertThat(key.has("d")).as("never the private part").isFalse();

        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8));
        String claims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"00000000-0000-0000-0000-000000000000\",\"role\":\"server-admin\"}".getBytes(StandardCharsets.UTF_8));
        for (String bad : List.of(header + "." + claims + ".", "garbage", "pst_nope", "a.b.c")) {
            Response r = api.get("/api/v1/me", bad);
            assertThat(r.status()).as(bad).isEqualTo(401);
            assertThat(r.raw()).doesNotContain("Exception").doesNotContain("nimbus");
        }
        assertThat(api.get("/api/v1/me", null).status()).isEqualTo(401);

        // Rotating the signing key while running: old tokens stay valid, JWKS lists both keys.
        Response signIn = api.post("/api/v1/auth/sign-in", null, body("login", "root@example.org", "password", ADMIN_PASSWORD));
        String before = signIn.text("access_token");
        ok(postern.run("keys", "rotate-signing"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> api.get("/.well-known/jwks.json", null).body().get("keys").size() == 2);
        assertThat(api.get("/api/v1/me", before).status()).isEqualTo(200);
        Response after = api.post("/api/v1/auth/refresh", null, body("refresh_token", signIn.text("refresh_token")));
        assertThat(kid(after.text("access_token"))).isNotEqualTo(kid(before));
    }

    static String kid(String jwt) throws Exception {
        String header = new String(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                StandardCharsets.UTF_8);
        return ApiClient.JSON.readTree(header).get("kid").asText();
    }
}

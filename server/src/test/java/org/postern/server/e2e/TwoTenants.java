package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postern.server.e2e.ApiClient.Response;
import org.postern.server.e2e.Launcher.Result;

/**
 * Two populated tenants on one server, for tests that check what one may see of the other.
 * Tenant A ("default", domain a.test) and tenant B ("beta", domain b.test) each have a tenant
 * admin (TOTP enrolled, full session) and a user with an extra address, an app password, an API
 * token, and audit entries. Create the accounts with {@link #provision} before the server starts,
 * then {@link #populate} through the API.
 */
public final class TwoTenants {
    public static final String PASSWORD = "a long passphrase for tests";
    public static final String DOMAIN_A = "a.test";
    public static final String DOMAIN_B = "b.test";

    /** One tenant's people and the ids of what they own. */
    public static final class Tenant {
        public final String domain;
        public final String adminLogin;
        public final String userLogin;
        public String tenantId;
        public String adminToken;
        public String adminUserId;
        public String userToken;
        public String userId;
        public String userSessionId;
        public String addressId;
        public String address;
        public String appPasswordId;
        public String apiTokenId;
        public long auditSeq;
        /** Filled by {@link #appendMail}: the user's INBOX, a message there and its PNG part. */
        public String inboxId;
        public String messageId;
        public String partId;

        Tenant(String domain) {
            this.domain = domain;
            this.adminLogin = "admin@" + domain;
            this.userLogin = "user@" + domain;
        }
    }

    public final Tenant a = new Tenant(DOMAIN_A);
    public final Tenant b = new Tenant(DOMAIN_B);

    /** Domains, the second tenant and the four accounts, through the operator CLI. */
    public void provision(Launcher postern) {
        ok(postern.run("domain", "add", DOMAIN_A));
        ok(postern.run("tenant", "add", "beta"));
        ok(postern.run("domain", "add", DOMAIN_B, "--tenant", "beta"));
        for (Tenant t : List.of(a, b)) {
            ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", t.adminLogin,
                    "--role", "tenant-admin", "--password-stdin"));
            ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", t.userLogin,
                    "--password-stdin"));
        }
    }

    /** Signs everyone in and gives each user an address, an app password and an API token. */
    public void populate(ApiClient api) {
        for (Tenant t : List.of(a, b)) {
            t.adminToken = adminSignIn(api, t.adminLogin, PASSWORD);
            Response me = api.get("/api/v1/me", t.adminToken);
            t.adminUserId = me.text("user_id");
            t.tenantId = me.text("tenant_id");

            Response signIn = api.post("/api/v1/auth/sign-in", null, body("login", t.userLogin, "password", PASSWORD));
            assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
            t.userToken = signIn.text("access_token");
            t.userSessionId = signIn.text("session_id");
            t.userId = api.get("/api/v1/me", t.userToken).text("user_id");

            Response address = api.post("/api/v1/addresses", t.userToken, body("generate", "random", "domain", t.domain,
                    "note", "given to shop X"));
            assertThat(address.status()).as(address.toString()).isEqualTo(201);
            t.addressId = address.text("id");
            t.address = address.text("address");

            Response appPassword = api.post("/api/v1/auth/app-passwords", t.userToken, body("name", "phone"));
            assertThat(appPassword.status()).as(appPassword.toString()).isEqualTo(201);
            t.appPasswordId = appPassword.text("id");
            Response token = api.post("/api/v1/auth/api-tokens", t.userToken, body("name", "script",
                    "scopes", List.of("manage-addresses", "account")));
            assertThat(token.status()).as(token.toString()).isEqualTo(201);
            t.apiTokenId = token.text("id");

            Response audit = api.get("/api/v1/audit-log", t.userToken);
            assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
            t.auditSeq = audit.body().get("entries").get(0).get("seq").asLong();
        }
    }

    /**
     * Puts a message with an inline PNG part into each user's INBOX with IMAP APPEND (over the
     * implicit-TLS port, the user's password; no DNS or SMTP needed) and notes its ids.
     */
    public void appendMail(ApiClient api, int imapsPort) throws java.io.IOException {
        for (Tenant t : List.of(a, b)) {
            String message = "From: " + t.userLogin + "\r\nTo: " + t.userLogin + "\r\nSubject: kept for " + t.domain
                    + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
                    + "--b\r\nContent-Type: text/html\r\n\r\n<p>hello <img src=\"cid:dot@x\"></p>\r\n"
                    + "--b\r\nContent-Type: image/png\r\nContent-ID: <dot@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + "iVBORw0KGgo=\r\n--b--\r\n";
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            try (ImapConnection c = ImapConnection.tls(imapsPort)) {
                assertThat(c.command("a", "LOGIN \"" + t.userLogin + "\" \"" + PASSWORD + "\"").getLast()).startsWith("a OK");
                c.write("b APPEND INBOX {" + bytes.length + "}\r\n");
                assertThat(c.line()).startsWith("+");
                c.write(message + "\r\n");
                assertThat(c.until("b ").getLast()).startsWith("b OK");
                c.command("c", "LOGOUT");
            }
            for (var box : api.get("/api/v1/mailboxes", t.userToken).body().get("mailboxes")) {
                if (box.get("name").asText().equals("INBOX")) {
                    t.inboxId = box.get("id").asText();
                }
            }
            Response list = api.get("/api/v1/mailboxes/" + t.inboxId + "/messages", t.userToken);
            assertThat(list.status()).as(list.toString()).isEqualTo(200);
            t.messageId = list.body().get("messages").get(0).get("id").asText();
            Response shown = api.get("/api/v1/messages/" + t.messageId, t.userToken);
            assertThat(shown.status()).as(shown.toString()).isEqualTo(200);
            t.partId = shown.body().get("attachments").get(0).get("part_id").asText();
        }
    }

    /** A tenant or server admin's full access token: sign in, enrol TOTP, confirm. */
    public static String adminSignIn(ApiClient api, String login, String password) {
        Response signIn = api.post("/api/v1/auth/sign-in", null, body("login", login, "password", password));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        assertThat(signIn.text("level")).isEqualTo("enrol_mfa");
        String limited = signIn.text("access_token");
        Response setup = api.post("/api/v1/auth/mfa/totp", limited, body());
        assertThat(setup.status()).as(setup.toString()).isEqualTo(200);
        Authenticator phone = new Authenticator(setup.text("secret"));
        Response confirmed = api.post("/api/v1/auth/mfa/totp/confirm", limited, body("code", phone.now()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        return confirmed.body().get("tokens").get("access_token").asText();
    }

    static void ok(Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    public static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}

package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.TwoTenants.body;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;
import org.postern.server.e2e.SmtpConnection.Reply;

/**
 * The admin endpoints and password-manager alias generation through the real server, curl and
 * SMTP: tenants, domains, users (disable, enable, role, require MFA), the tenant audit log, and the
 * SimpleLogin and addy.io dialects Bitwarden speaks. Every response is checked against the
 * OpenAPI document.
 */
class AdminApiE2ETest {
    private static final String PASSWORD = TwoTenants.PASSWORD;
    private static final String ROOT = "root@example.test";
    private static final String TENANT_ADMIN = "ta@example.test";
    private static final String SENDER = "news@sender.test";

    @TempDir
    static Path tmp;
    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;
    static ApiClient api;
    static String root;
    static String tenantAdmin;
    static String tenantId;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        IdentityE2ETest.ok(postern.run("domain", "add", "example.test"));
        IdentityE2ETest.ok(postern.run("domain", "add", "alias.example.test"));
        add(ROOT, "server-admin");
        add(TENANT_ADMIN, "tenant-admin");
        for (String user : List.of("u1", "u2", "u3", "u4", "gen")) {
            add(user + "@example.test", "user");
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
        api = new ApiClient(server.port("http")).checked();
        root = TwoTenants.adminSignIn(api, ROOT, PASSWORD);
        tenantAdmin = TwoTenants.adminSignIn(api.from("127.0.0.2"), TENANT_ADMIN, PASSWORD);
        tenantId = api.get("/api/v1/me", tenantAdmin).text("tenant_id");
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

    static void add(String login, String role) {
        IdentityE2ETest.ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", login,
                "--role", role, "--password-stdin"));
    }

    static Response signIn(String login) {
        return api.from("127.0.0.3").post("/api/v1/auth/sign-in", null, body("login", login, "password", PASSWORD));
    }

    static String userId(String login) {
        for (JsonNode u : api.get("/api/v1/admin/tenants/" + tenantId + "/users", tenantAdmin).body().get("users")) {
            if (u.get("login").asText().equals(login)) {
                return u.get("id").asText();
            }
        }
        throw new AssertionError("no user " + login);
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    static Reply rcpt(String address) throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            return c.command("RCPT TO:<" + address + ">");
        }
    }

    static List<String> auditActions(String token, String tenant) {
        Response log = api.get("/api/v1/admin/tenants/" + tenant + "/audit-log?limit=200", token);
        assertThat(log.status()).as(log.toString()).isEqualTo(200);
        return texts(log.body().get("entries"), "action");
    }

    @Test
    void aServerAdminListsAndCreatesTenantsAndAddsTheirDomains() {
        Response tenants = api.get("/api/v1/admin/tenants", root);
        assertThat(tenants.status()).as(tenants.toString()).isEqualTo(200);
        assertThat(texts(tenants.body().get("tenants"), "name")).contains("default");

        Response created = api.post("/api/v1/admin/tenants", root, body("name", "gamma"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String gamma = created.text("id");
        Response domain = api.post("/api/v1/admin/tenants/" + gamma + "/domains", root, body("name", "Gamma.test"));
        assertThat(domain.status()).as(domain.toString()).isEqualTo(201);
        assertThat(domain.text("name")).isEqualTo("gamma.test");
        assertThat(texts(api.get("/api/v1/admin/tenants/" + gamma + "/domains", root).body().get("domains"), "name"))
                .containsExactly("gamma.test");
        assertThat(api.get("/api/v1/admin/tenants/" + gamma + "/users", root).body().get("users")).isEmpty();
        assertThat(auditActions(root, gamma)).contains("tenant.create", "domain.add");

        assertThat(api.post("/api/v1/admin/tenants", root, body("name", "gamma")).status()).isEqualTo(409);
        Response badName = api.post("/api/v1/admin/tenants", root, body("name", "../etc"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.text("message")).contains("tenant name");
        Response badDomain = api.post("/api/v1/admin/tenants/" + gamma + "/domains", root, body("name", "not a domain"));
        assertThat(badDomain.status()).isEqualTo(400);
    }

    @Test
    void aTenantAdminSeesOnlyTheirTenantAndCreatesNoTenants() {
        Response tenants = api.get("/api/v1/admin/tenants", tenantAdmin);
        assertThat(texts(tenants.body().get("tenants"), "id")).containsExactly(tenantId);
        assertThat(api.post("/api/v1/admin/tenants", tenantAdmin, body("name", "mine")).status()).isEqualTo(403);
        Response users = api.get("/api/v1/admin/tenants/" + tenantId + "/users", tenantAdmin);
        assertThat(texts(users.body().get("users"), "login")).contains(TENANT_ADMIN, "u1@example.test")
                .doesNotContain(ROOT);
        assertThat(texts(api.get("/api/v1/admin/tenants/" + tenantId + "/users", root).body().get("users"), "login"))
                .contains(ROOT);
        // A server admin living in the tenant is not the tenant admin's to manage.
        String rootId = api.get("/api/v1/me", root).text("user_id");
        assertThat(api.get("/api/v1/admin/users/" + rootId, tenantAdmin).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/admin/users/" + rootId + "/disable", tenantAdmin, null).status()).isEqualTo(404);
    }

    @Test
    void aPlainUserGetsNoAdminEndpoint() {
        String user = signIn("u3@example.test").text("access_token");
        for (String path : List.of("/api/v1/admin/tenants", "/api/v1/admin/tenants/" + tenantId + "/users",
                "/api/v1/admin/tenants/" + tenantId + "/audit-log")) {
            Response r = api.get(path, user);
            assertThat(r.status()).as(path + " " + r).isEqualTo(403);
        }
        assertThat(api.post("/api/v1/admin/users/" + userId("u2@example.test") + "/disable", user, null).status())
                .isEqualTo(403);
    }

    @Test
    void aDisabledUserCannotSignInLosesTheirSessionsAndGetsNoMailUntilEnabled() throws Exception {
        String login = "u1@example.test";
        String token = signIn(login).text("access_token");
        assertThat(rcpt(login).code()).isEqualTo(250);
        String id = userId(login);

        Response disabled = api.post("/api/v1/admin/users/" + id + "/disable", tenantAdmin, null);
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(disabled.body().get("disabled").asBoolean()).isTrue();
        assertThat(signIn(login).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
        Reply refused = rcpt(login);
        assertThat(refused.code()).isEqualTo(550);
        assertThat(api.get("/api/v1/admin/users/" + id, tenantAdmin).body().get("disabled").asBoolean()).isTrue();

        Response enabled = api.post("/api/v1/admin/users/" + id + "/enable", tenantAdmin, null);
        assertThat(enabled.status()).as(enabled.toString()).isEqualTo(200);
        assertThat(enabled.body().get("disabled").asBoolean()).isFalse();
        assertThat(signIn(login).status()).isEqualTo(200);
        assertThat(rcpt(login).code()).isEqualTo(250);

        String adminId = api.get("/api/v1/me", tenantAdmin).text("user_id");
        assertThat(api.post("/api/v1/admin/users/" + adminId + "/disable", tenantAdmin, null).status()).isEqualTo(400);
        assertThat(auditActions(tenantAdmin, tenantId)).contains("user.disable", "user.enable");
        Response forUser = api.get("/api/v1/admin/tenants/" + tenantId + "/audit-log?user=" + id + "&limit=5", tenantAdmin);
        assertThat(texts(forUser.body().get("entries"), "user_id")).containsOnly(id);
    }

    @Test
    void aRoleChangeEndsTheUsersSessionsAndNeverGrantsMoreThanTheAdminHas() {
        String login = "u2@example.test";
        String token = signIn(login).text("access_token");
        String id = userId(login);

        Response changed = api.put("/api/v1/admin/users/" + id + "/role", tenantAdmin, body("role", "tenant-admin"));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.text("role")).isEqualTo("tenant-admin");
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
        assertThat(signIn(login).text("level")).isEqualTo("enrol_mfa");

        assertThat(api.put("/api/v1/admin/users/" + id + "/role", tenantAdmin, body("role", "server-admin")).status())
                .isEqualTo(403);
        assertThat(api.put("/api/v1/admin/users/" + id + "/role", tenantAdmin, body("role", "emperor")).status())
                .isEqualTo(400);
        Response back = api.put("/api/v1/admin/users/" + id + "/role", tenantAdmin, body("role", "user"));
        assertThat(back.text("role")).isEqualTo("user");
        assertThat(auditActions(tenantAdmin, tenantId)).contains("user.role");
    }

    @Test
    void requiringMfaOfOneUserSendsTheirNextSignInToEnrolmentAsTheTenantPolicyWould() {
        String login = "u4@example.test";
        String id = userId(login);
        Response before = signIn(login);
        assertThat(before.text("level")).isEqualTo("full");
        assertThat(api.get("/api/v1/admin/users/" + id, tenantAdmin).body().get("require_mfa").asBoolean()).isFalse();

        Response set = api.put("/api/v1/admin/users/" + id + "/require-mfa", tenantAdmin, body("require_mfa", true));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.body().get("require_mfa").asBoolean()).isTrue();
        JsonNode listed = null;
        for (JsonNode u : api.get("/api/v1/admin/tenants/" + tenantId + "/users", tenantAdmin).body().get("users")) {
            listed = u.get("id").asText().equals(id) ? u : listed;
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("require_mfa").asBoolean()).as("shown in the listing").isTrue();
        assertThat(api.get("/api/v1/me", before.text("access_token")).status())
                .as("the full session opened before the rule ended").isEqualTo(401);

        // The same restricted session the tenant policy gives: it can only enrol.
        Response restricted = signIn(login);
        assertThat(restricted.text("level")).isEqualTo("enrol_mfa");
        assertThat(api.get("/api/v1/me", restricted.text("access_token")).text("level")).isEqualTo("enrol_mfa");
        Response blocked = api.get("/api/v1/addresses", restricted.text("access_token"));
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.text("error")).isEqualTo("mfa_enrolment_required");
        String full = TwoTenants.adminSignIn(api.from("127.0.0.3"), login, PASSWORD);
        assertThat(api.get("/api/v1/me", full).text("level")).isEqualTo("full");
        Response second = signIn(login);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().has("challenge")).as("now TOTP is asked: " + second).isTrue();
        assertThat(second.body().has("access_token")).isFalse();

        assertThat(api.put("/api/v1/admin/users/" + id + "/require-mfa", tenantAdmin, body("require_mfa", "yes"))
                .status()).isEqualTo(400);
        assertThat(api.put("/api/v1/admin/users/" + id + "/require-mfa", full, body("require_mfa", false)).status())
                .as("a user does not lift their own").isEqualTo(403);
        Response cleared = api.put("/api/v1/admin/users/" + id + "/require-mfa", tenantAdmin, body("require_mfa", false));
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.body().get("require_mfa").asBoolean()).isFalse();

        String rootId = api.get("/api/v1/me", root).text("user_id");
        assertThat(api.put("/api/v1/admin/users/" + rootId + "/require-mfa", tenantAdmin, body("require_mfa", true))
                .status()).as("a server admin is not the tenant admin's").isEqualTo(404);
        Response log = api.get("/api/v1/admin/tenants/" + tenantId + "/audit-log?user=" + id + "&limit=50", tenantAdmin);
        List<String> entries = new ArrayList<>();
        String adminId = api.get("/api/v1/me", tenantAdmin).text("user_id");
        log.body().get("entries").forEach(e -> {
            if (e.get("action").asText().equals("user.require_mfa")) {
                entries.add(e.get("actor").asText() + " " + e.get("user_id").asText());
            }
        });
        assertThat(entries).containsOnly("user:" + adminId + " " + id).hasSize(2);
    }

    // ---- password-manager alias generation

    static String aliasToken(String login, List<String> scopes) {
        String session = signIn(login).text("access_token");
        Response token = api.post("/api/v1/auth/api-tokens", session, body("name", "Bitwarden", "scopes", scopes));
        assertThat(token.status()).as(token.toString()).isEqualTo(201);
        return token.text("secret");
    }

    @Test
    void bitwardensSimpleLoginCallMintsARandomAliasWithTheNote() throws Exception {
        String key = aliasToken("gen@example.test", List.of("generate-alias"));
        // As Bitwarden's SimpleLogin forwarder sends it.
        Response r = api.call("POST", "/api/alias/random/new?hostname=shop.example", null,
                body("note", "Generated by Bitwarden."), Map.of("Authentication", key));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String alias = r.text("alias");
        assertThat(alias).matches("[a-z2-7]{10}@(alias\\.)?example\\.test");
        assertThat(r.text("email")).isEqualTo(alias);
        assertThat(r.text("note")).isEqualTo("Generated by Bitwarden.");
        assertThat(r.body().get("enabled").asBoolean()).isTrue();
        assertThat(rcpt(alias).code()).isEqualTo(250);

        Response uuid = api.call("POST", "/api/alias/random/new?mode=uuid&hostname=alias.example.test", null, null,
                Map.of("Authentication", key));
        assertThat(uuid.status()).as(uuid.toString()).isEqualTo(201);
        assertThat(uuid.text("alias")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
                + "@alias\\.example\\.test");
        assertThat(uuid.text("note")).isEqualTo("for alias.example.test");

        String session = signIn("gen@example.test").text("access_token");
        JsonNode mine = api.get("/api/v1/addresses", session).body().get("addresses");
        assertThat(texts(mine, "address")).contains(alias, uuid.text("alias"));
        Response audit = api.get("/api/v1/audit-log?limit=20", session);
        assertThat(audit.raw()).contains("\"via\":\"simplelogin\"");

        Response wrongKey = api.call("POST", "/api/alias/random/new", null, body("note", "x"),
                Map.of("Authentication", "pst_" + "A".repeat(40)));
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(api.call("POST", "/api/alias/random/new", null, body("note", "x"), Map.of()).status()).isEqualTo(401);
        assertThat(api.call("POST", "/api/alias/random/new?mode=guess", null, null, Map.of("Authentication", key))
                .status()).isEqualTo(400);
    }

    @Test
    void bitwardensAddyIoCallMintsAnAliasOnTheDomainAskedForIfItIsTheTenants() throws Exception {
        String token = aliasToken("gen@example.test", List.of("generate-alias"));
        Response r = api.call("POST", "/api/v1/aliases", token,
                body("domain", "alias.example.test", "description", "Website: shop.example. Generated by Bitwarden."),
                Map.of("X-Requested-With", "XMLHttpRequest"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode data = r.body().get("data");
        assertThat(data.get("email").asText()).matches("[a-z2-7]{10}@alias\\.example\\.test");
        assertThat(data.get("description").asText()).isEqualTo("Website: shop.example. Generated by Bitwarden.");
        assertThat(data.get("active").asBoolean()).isTrue();
        assertThat(rcpt(data.get("email").asText()).code()).isEqualTo(250);

        Response words = api.post("/api/v1/aliases", token, body("domain", "other.test", "format", "random_words"));
        assertThat(words.status()).as(words.toString()).isEqualTo(201);
        // Not one of the tenant's domains: the tenant's first domain instead.
        assertThat(words.body().get("data").get("email").asText())
                .matches("([bdfghjklmnprstvz][aeiou]){4}[0-9]{3}@alias\\.example\\.test");
        assertThat(api.post("/api/v1/aliases", token, body("format", "custom")).status()).isEqualTo(400);

        // The token is narrow: it mints aliases and nothing else.
        assertThat(api.get("/api/v1/addresses", token).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/auth/api-tokens", token).status()).isEqualTo(403);
        // And a token without the scope mints nothing.
        String other = aliasToken("gen@example.test", List.of("manage-addresses"));
        assertThat(api.post("/api/v1/aliases", other, body("domain", "example.test")).status()).isEqualTo(403);
        assertThat(api.call("POST", "/api/alias/random/new", null, null, Map.of("Authentication", other)).status())
                .isEqualTo(403);
    }
}

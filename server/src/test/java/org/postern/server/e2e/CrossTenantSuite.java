package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.TwoTenants.body;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.server.e2e.ApiClient.Response;
import org.postern.server.e2e.TwoTenants.Tenant;

/**
 * Tenant B calls every endpoint that takes an id with tenant A's ids and must get exactly what
 * an id that never existed gets: 404 {@code {"error":"not_found"}}; afterwards A's data is as it
 * was. Subclasses run it on each storage backend.
 *
 * <p>To cover a new endpoint, add a row to {@link #ROUTES}: method, path template, where the id
 * comes from (a function of tenant A's fixture), who in tenant B calls, and the body if any.
 * {@code {id}} in the path or as a body value is the id under test; {@code {own-message}} and
 * {@code {own-inbox}} are the calling tenant B user's own message and INBOX (so "move my message
 * into your mailbox" is tried too).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class CrossTenantSuite {
    static final String NEVER_EXISTED = "00000000-0000-4000-8000-00000000dead";
    static final String NOT_FOUND = "{\"error\":\"not_found\"}";

    /** Who in tenant B makes the call. */
    enum As {
        USER, ADMIN
    }

    /** One endpoint to try with another tenant's id. */
    record Row(String method, String template, Function<Tenant, String> id, As as, Map<String, Object> body) {
        String path(String idValue, Tenant caller) {
            return fill(template, idValue, caller);
        }

        Map<String, Object> body(String idValue, Tenant caller) {
            if (body == null) {
                return null;
            }
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            body.forEach((k, v) -> out.put(k, v instanceof String s ? fill(s, idValue, caller) : v));
            return out;
        }

        private static String fill(String text, String idValue, Tenant caller) {
            String own = text.replace("{own-message}", String.valueOf(caller.messageId))
                    .replace("{own-inbox}", String.valueOf(caller.inboxId));
            return own.replace("{id}", idValue);
        }

        @Override
        public String toString() {
            return method + " " + template + " as " + as;
        }
    }

    static final List<Row> ROUTES = List.of(
            // sessions, app passwords, API tokens
            new Row("DELETE", "/api/v1/auth/sessions/{id}", t -> t.userSessionId, As.USER, null),
            new Row("DELETE", "/api/v1/auth/app-passwords/{id}", t -> t.appPasswordId, As.USER, null),
            new Row("DELETE", "/api/v1/auth/api-tokens/{id}", t -> t.apiTokenId, As.USER, null),
            new Row("DELETE", "/api/v1/auth/sessions/{id}", t -> t.userSessionId, As.ADMIN, null),
            new Row("DELETE", "/api/v1/auth/api-tokens/{id}", t -> t.apiTokenId, As.ADMIN, null),
            // addresses
            new Row("GET", "/api/v1/addresses/{id}", t -> t.addressId, As.USER, null),
            new Row("POST", "/api/v1/addresses/{id}/suspend", t -> t.addressId, As.USER, null),
            new Row("POST", "/api/v1/addresses/{id}/reinstate", t -> t.addressId, As.USER, null),
            new Row("POST", "/api/v1/addresses/{id}/revoke", t -> t.addressId, As.USER, null),
            new Row("GET", "/api/v1/addresses/{id}", t -> t.addressId, As.ADMIN, null),
            new Row("POST", "/api/v1/addresses/{id}/revoke", t -> t.addressId, As.ADMIN, null),
            // users, as an admin of the other tenant
            new Row("GET", "/api/v1/admin/users/{id}", t -> t.userId, As.ADMIN, null),
            new Row("GET", "/api/v1/admin/users/{id}", t -> t.adminUserId, As.ADMIN, null),
            new Row("POST", "/api/v1/admin/users/{id}/disable", t -> t.userId, As.ADMIN, null),
            new Row("POST", "/api/v1/admin/users/{id}/enable", t -> t.userId, As.ADMIN, null),
            new Row("PUT", "/api/v1/admin/users/{id}/role", t -> t.userId, As.ADMIN, body("role", "tenant-admin")),
            new Row("PUT", "/api/v1/admin/users/{id}/require-mfa", t -> t.userId, As.ADMIN, body("require_mfa", true)),
            new Row("POST", "/api/v1/admin/users/{id}/sessions/end-all", t -> t.userId, As.ADMIN, null),
            new Row("POST", "/api/v1/admin/users/{id}/mfa/reset", t -> t.adminUserId, As.ADMIN, null),
            // the tenant itself
            new Row("GET", "/api/v1/admin/tenants/{id}/security", t -> t.tenantId, As.ADMIN, null),
            new Row("PUT", "/api/v1/admin/tenants/{id}/security", t -> t.tenantId, As.ADMIN,
                    body("require_mfa", true, "risk_mode", "enforced")),
            new Row("GET", "/api/v1/admin/tenants/{id}/limits", t -> t.tenantId, As.ADMIN, null),
            new Row("PUT", "/api/v1/admin/tenants/{id}/limits", t -> t.tenantId, As.ADMIN,
                    body("max_recipients", 1, "messages_per_hour", 1)),
            new Row("GET", "/api/v1/admin/tenants/{id}/domains", t -> t.tenantId, As.ADMIN, null),
            new Row("POST", "/api/v1/admin/tenants/{id}/domains", t -> t.tenantId, As.ADMIN, body("name", "sneaky.test")),
            new Row("GET", "/api/v1/admin/tenants/{id}/users", t -> t.tenantId, As.ADMIN, null),
            new Row("GET", "/api/v1/admin/tenants/{id}/audit-log", t -> t.tenantId, As.ADMIN, null),
            // mail: mailboxes, messages and their parts, as the user and as the other tenant's admin
            new Row("GET", "/api/v1/mailboxes/{id}/messages", t -> t.inboxId, As.USER, null),
            new Row("GET", "/api/v1/mailboxes/{id}/messages", t -> t.inboxId, As.ADMIN, null),
            new Row("GET", "/api/v1/messages?subject=kept&mailbox={id}", t -> t.inboxId, As.USER, null),
            new Row("GET", "/api/v1/messages?subject=kept&arrived_on={id}", t -> t.addressId, As.USER, null),
            new Row("GET", "/api/v1/messages/{id}", t -> t.messageId, As.USER, null),
            new Row("GET", "/api/v1/messages/{id}", t -> t.messageId, As.ADMIN, null),
            new Row("GET", "/api/v1/messages/{id}?remote_images=allow", t -> t.messageId, As.USER, null),
            new Row("POST", "/api/v1/messages/{id}/flags", t -> t.messageId, As.USER,
                    body("add", List.of("\\Seen", "\\Deleted"))),
            new Row("POST", "/api/v1/messages/{id}/move", t -> t.messageId, As.USER, body("mailbox", "{own-inbox}")),
            new Row("POST", "/api/v1/messages/{own-message}/move", t -> t.inboxId, As.USER, body("mailbox", "{id}")),
            new Row("DELETE", "/api/v1/messages/{id}", t -> t.messageId, As.USER, null),
            new Row("DELETE", "/api/v1/messages/{id}", t -> t.messageId, As.ADMIN, null),
            new Row("GET", "/api/v1/messages/{id}/attachments/2", t -> t.messageId, As.USER, null),
            new Row("GET", "/api/v1/messages/{id}/inline/2", t -> t.messageId, As.USER, null),
            new Row("GET", "/api/v1/messages/{id}/attachments/2", t -> t.messageId, As.ADMIN, null));

    final TwoTenants tenants = new TwoTenants();
    RunningServer server;
    ApiClient api;

    /** A launcher for this backend, on {@code dataDir}. */
    abstract Launcher launcher(Path dataDir) throws Exception;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Launcher postern = launcher(tmp.resolve("data"));
        tenants.provision(postern);
        server = RunningServer.start(postern);
        api = new ApiClient(server.port("http")).checked();
        tenants.populate(api);
        tenants.appendMail(api, server.port("imaps"));
    }

    /** Runs once the server has stopped (a subclass drops its database). */
    void afterServerStopped() throws Exception {}

    @AfterAll
    void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            afterServerStopped();
        }
    }

    Stream<Row> routes() {
        return ROUTES.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anotherTenantsIdIsNotFoundExactlyLikeAnIdThatNeverExisted(Row row) {
        String token = row.as() == As.ADMIN ? tenants.b.adminToken : tenants.b.userToken;
        String foreignId = row.id().apply(tenants.a);
        assertThat(foreignId).as("tenant A's fixture for " + row).isNotNull();
        Response foreign = api.call(row.method(), row.path(foreignId, tenants.b), token, row.body(foreignId, tenants.b));
        Response unknown = api.call(row.method(), row.path(NEVER_EXISTED, tenants.b), token,
                row.body(NEVER_EXISTED, tenants.b));

        assertThat(foreign.status()).as(row + " with tenant A's id: " + foreign).isEqualTo(404);
        assertThat(foreign.raw()).as(row.toString()).isEqualTo(NOT_FOUND);
        assertThat(unknown.status()).as(row + " with an unknown id: " + unknown).isEqualTo(404);
        assertThat(unknown.raw()).isEqualTo(foreign.raw());
    }

    @Order(2)
    @Test
    void listsAndFiltersOfTenantBNeverShowTenantA() {
        Tenant a = tenants.a;
        Tenant b = tenants.b;
        List<String> leaks = new ArrayList<>();
        for (String token : List.of(b.userToken, b.adminToken)) {
            for (String path : List.of("/api/v1/addresses", "/api/v1/domains", "/api/v1/auth/sessions",
                    "/api/v1/auth/app-passwords", "/api/v1/auth/api-tokens", "/api/v1/audit-log",
                    "/api/v1/audit-log?user=" + a.userId, "/api/v1/mailboxes", "/api/v1/messages?subject=kept")) {
                Response r = api.get(path, token);
                assertThat(r.status()).as(path + " " + r).isEqualTo(200);
                for (String secret : List.of(a.userId, a.adminUserId, a.tenantId, a.addressId, a.address, a.appPasswordId,
                        a.apiTokenId, a.userSessionId, a.inboxId, a.messageId, TwoTenants.DOMAIN_A)) {
                    if (r.raw().contains(secret)) {
                        leaks.add(path + " shows " + secret);
                    }
                }
            }
        }
        Response tenantsSeen = api.get("/api/v1/admin/tenants", b.adminToken);
        assertThat(tenantsSeen.body().get("tenants")).hasSize(1);
        assertThat(tenantsSeen.raw()).doesNotContain(a.tenantId);
        assertThat(leaks).isEmpty();
    }

    @Order(3)
    @Test
    void creatingInAnotherTenantsDomainIsNotFound() {
        Tenant b = tenants.b;
        Response address = api.post("/api/v1/addresses", b.userToken, body("local_part", "sneaky", "domain",
                TwoTenants.DOMAIN_A));
        assertThat(address.status()).as(address.toString()).isEqualTo(404);
        Response invite = api.post("/api/v1/admin/invites", b.adminToken, body("login", "sneaky@" + TwoTenants.DOMAIN_A));
        assertThat(invite.status()).as(invite.toString()).isEqualTo(404);
        assertThat(invite.raw()).isEqualTo(NOT_FOUND);
        Response tenant = api.post("/api/v1/admin/tenants", b.adminToken, body("name", "mine"));
        assertThat(tenant.status()).as("a tenant admin creates no tenant").isEqualTo(403);
    }

    @Order(4)
    @Test
    void tenantAIsUntouchedAfterwards() {
        Tenant a = tenants.a;
        Response me = api.get("/api/v1/me", a.userToken);
        assertThat(me.status()).as("A's session still works: " + me).isEqualTo(200);
        Response address = api.get("/api/v1/addresses/" + a.addressId, a.userToken);
        assertThat(address.text("state")).isEqualTo("active");
        Response user = api.get("/api/v1/admin/users/" + a.userId, a.adminToken);
        assertThat(user.status()).as(user.toString()).isEqualTo(200);
        assertThat(user.body().get("disabled").asBoolean()).isFalse();
        assertThat(user.text("role")).isEqualTo("user");
        assertThat(user.body().get("require_mfa").asBoolean()).isFalse();
        Response policy = api.get("/api/v1/admin/tenants/" + a.tenantId + "/security", a.adminToken);
        assertThat(policy.body().get("require_mfa").asBoolean()).isFalse();
        Response limits = api.get("/api/v1/admin/tenants/" + a.tenantId + "/limits", a.adminToken);
        assertThat(limits.body().get("overrides").get("max_recipients").isNull()).as(limits.toString()).isTrue();
        assertThat(limits.body().get("overrides").get("messages_per_hour").isNull()).as(limits.toString()).isTrue();
        Response message = api.get("/api/v1/messages/" + a.messageId, a.userToken);
        assertThat(message.status()).as("A's message is where it was: " + message).isEqualTo(200);
        assertThat(message.text("mailbox_id")).isEqualTo(a.inboxId);
        assertThat(message.body().get("flags").toString()).doesNotContain("Seen").doesNotContain("Deleted");
        Response tokens = api.get("/api/v1/auth/api-tokens", a.userToken);
        assertThat(tokens.raw()).contains(a.apiTokenId);
        assertThat(api.get("/api/v1/auth/app-passwords", a.userToken).raw()).contains(a.appPasswordId);
        assertThat(api.get("/api/v1/admin/tenants/" + a.tenantId + "/domains", a.adminToken).raw()).doesNotContain("sneaky");
    }
}

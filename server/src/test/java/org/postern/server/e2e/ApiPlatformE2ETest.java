package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.TwoTenants.body;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.ApiClient.Response;

/**
 * The HTTP boundary through the real server and curl: the published OpenAPI document, the
 * security headers on every documented route, 404/405/413/400, CORS for the configured origin
 * only, rate limits per user and per client address (429 with Retry-After), and the access log.
 */
class ApiPlatformE2ETest {
    private static final String PASSWORD = TwoTenants.PASSWORD;
    private static final String ORIGIN = "https://app.example.test";
    private static final String UNKNOWN_ID = "00000000-0000-4000-8000-00000000beef";
    /** Each call that must not share a rate-limit bucket speaks from its own loopback address. */
    private static final AtomicInteger NEXT_IP = new AtomicInteger(10);

    @TempDir
    static Path tmp;
    static Launcher postern;
    static RunningServer server;
    static ApiClient api;
    /** For requests the document rightly does not describe (unknown routes, wrong methods, preflights). */
    static ApiClient unchecked;
    static String logUserToken;
    static String logUserId;
    static String rateUserToken;

    @BeforeAll
    static void start() throws Exception {
        postern = new Launcher(tmp.resolve("data"))
                .env("POSTERN_HTTP_CORS_ORIGINS", ORIGIN)
                .env("POSTERN_HTTP_MAX_REQUEST_BYTES", "64KiB")
                .env("POSTERN_HTTP_RATE_USER_PER_SECOND", "1")
                .env("POSTERN_HTTP_RATE_USER_BURST", "3")
                .env("POSTERN_HTTP_RATE_SIGN_IN_PER_MINUTE", "1")
                .env("POSTERN_HTTP_RATE_SIGN_IN_BURST", "3");
        IdentityE2ETest.ok(postern.run("domain", "add", "example.test"));
        for (String login : List.of("log@example.test", "rate@example.test")) {
            IdentityE2ETest.ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", login,
                    "--password-stdin"));
        }
        server = RunningServer.start(postern);
        unchecked = new ApiClient(server.port("http"));
        api = unchecked.checked();
        logUserToken = signIn("log@example.test");
        logUserId = fresh().get("/api/v1/me", logUserToken).text("user_id");
        rateUserToken = signIn("rate@example.test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Every user shares this server's small per-user budget (1 request/s, burst 3), and a test that
     * walks many routes with logUserToken empties it; each test starts with the burst refilled, so
     * a 429 seen here is the one a test provokes, whatever order the tests run in.
     */
    @BeforeEach
    void userBudgetRefilled() throws InterruptedException {
        Thread.sleep(3_100);
    }

    static ApiClient fresh() {
        return api.from("127.0.0." + NEXT_IP.getAndIncrement());
    }

    static ApiClient freshUnchecked() {
        return unchecked.from("127.0.0." + NEXT_IP.getAndIncrement());
    }

    static String signIn(String login) {
        Response r = fresh().post("/api/v1/auth/sign-in", null, body("login", login, "password", PASSWORD));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.text("access_token");
    }

    static void assertSecurityHeaders(String what, Response r) {
        assertThat(r.header("Strict-Transport-Security")).as(what).startsWith("max-age=").contains("includeSubDomains");
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).as(what).contains("default-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.header("X-Frame-Options")).as(what).isEqualTo("DENY");
        assertThat(r.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
        assertThat(r.header("Permissions-Policy")).as(what).contains("camera=()");
        assertThat(r.header("Cache-Control")).as(what).isEqualTo("no-store");
        assertThat(r.header("Server")).as(what).isNull();
    }

    @Test
    void theOpenApiDocumentIsPublishedWithoutAuthentication() {
        Response json = fresh().get("/api/v1/openapi.json", null);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body().get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(json.body().get("paths").has("/api/v1/addresses/{id}")).isTrue();
        assertThat(json.body()).isEqualTo(OpenApiContract.get().document());
        Response yaml = fresh().get("/api/v1/openapi.yaml", null);
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.header("Content-Type")).startsWith("application/yaml");
        assertThat(yaml.raw()).startsWith("openapi: 3.1.0");
    }

    @Test
    void everyDocumentedRouteAnswersWithTheFullSecurityHeaderSet() {
        List<String> checked = new ArrayList<>();
        for (OpenApiContract.Route route : OpenApiContract.get().routes()) {
            String path = route.template().replaceAll("\\{[^}]+}", UNKNOWN_ID);
            Object body = route.method().equals("POST") || route.method().equals("PUT") ? Map.of() : null;
            Response r = fresh().call(route.method(), path, null, body);
            String what = route + " -> " + r;
            // Without a credential: the route exists (never 404/405), and answers with every header.
            assertThat(r.status()).as(what).isNotIn(404, 405).isLessThan(500);
            assertSecurityHeaders(what, r);
            checked.add(route.toString());
        }
        assertThat(checked).hasSizeGreaterThan(50);

        Response personal = fresh().get("/api/v1/me", logUserToken);
        assertThat(personal.status()).isEqualTo(200);
        assertSecurityHeaders("GET /api/v1/me with a token", personal);
    }

    @Test
    void unknownRoutesAre404WrongMethods405WithAllowOversizeBodies413() {
        Response unknown = freshUnchecked().get("/api/v1/no-such-thing", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.raw()).isEqualTo("{\"error\":\"not_found\"}");
        assertSecurityHeaders("404", unknown);
        assertThat(freshUnchecked().get("/api/v1/addresses/" + UNKNOWN_ID + "/nothing", logUserToken).status()).isEqualTo(404);

        Response wrong = freshUnchecked().call("DELETE", "/api/v1/me", null, null);
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.header("Allow")).isEqualTo("GET");
        assertThat(wrong.raw()).isEqualTo("{\"error\":\"method_not_allowed\"}");
        Response wrongToo = freshUnchecked().call("PUT", "/api/v1/addresses", null, Map.of());
        assertThat(wrongToo.status()).isEqualTo(405);
        assertThat(wrongToo.header("Allow")).isEqualTo("GET, POST");

        String big = "{\"login\":\"" + "x".repeat(100 * 1024) + "\",\"password\":\"y\"}";
        Response tooLarge = fresh().post("/api/v1/auth/sign-in", null, big);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.raw()).isEqualTo("{\"error\":\"payload_too_large\"}");
        Response chunked = fresh().call("POST", "/api/v1/addresses", logUserToken, big,
                Map.of("Transfer-Encoding", "chunked"));
        assertThat(chunked.status()).as(chunked.toString()).isEqualTo(413);
    }

    @Test
    void badJsonIs400NamingTheField() {
        Response broken = fresh().post("/api/v1/auth/sign-in", null, "{\"login\": \"a@example.test\", \"password\": tru}");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.text("error")).isEqualTo("invalid_input");
        assertThat(broken.text("message")).contains("not valid JSON").contains("password").contains("line 1");
        assertThat(broken.raw()).doesNotContain("tru}").doesNotContain("Exception");

        Response wrongType = fresh().post("/api/v1/auth/sign-in", null, body("login", 5, "password", "x"));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.text("message")).isEqualTo("login must be a string");
        Response missing = fresh().post("/api/v1/addresses", logUserToken, body("local_part", "x"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("message")).contains("domain");
        Response notJson = fresh().call("POST", "/api/v1/auth/recovery", null, "login=x",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(notJson.status()).isEqualTo(400);
    }

    @Test
    void corsIsOnlyForTheConfiguredOrigin() {
        Map<String, String> preflight = Map.of("Origin", ORIGIN, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type");
        Response allowed = freshUnchecked().call("OPTIONS", "/api/v1/addresses", null, null, preflight);
        assertThat(allowed.status()).isEqualTo(204);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        assertThat(allowed.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(allowed.header("Access-Control-Allow-Headers")).contains("Authorization");
        assertThat(allowed.header("Access-Control-Allow-Credentials")).isNull();
        assertSecurityHeaders("preflight", allowed);

        Response refused = freshUnchecked().call("OPTIONS", "/api/v1/addresses", null, null,
                Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Access-Control-Allow-Origin")).isNull();

        Response simple = fresh().call("GET", "/api/v1/me", logUserToken, null, Map.of("Origin", ORIGIN));
        assertThat(simple.status()).isEqualTo(200);
        assertThat(simple.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        assertThat(simple.header("Vary")).contains("Origin");
        Response other = fresh().call("GET", "/health", null, null, Map.of("Origin", "https://evil.example"));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void aUserOverTheirRateGets429WithRetryAfterAndOthersAreUnaffected() {
        List<Integer> statuses = new ArrayList<>();
        Response limited = null;
        for (int i = 0; i < 10; i++) {
            Response r = fresh().get("/api/v1/me", rateUserToken);
            statuses.add(r.status());
            if (r.status() == 429) {
                limited = r;
            }
        }
        assertThat(statuses.subList(0, 3)).as(statuses.toString()).containsOnly(200);
        assertThat(statuses).as("burst 3, 1/s").contains(429);
        assertThat(limited.raw()).isEqualTo("{\"error\":\"too_many_requests\"}");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
        assertSecurityHeaders("429", limited);
        // Another user, from the same kind of address, is not held back by this one.
        assertThat(fresh().get("/api/v1/me", logUserToken).status()).isEqualTo(200);
    }

    @Test
    void signInFromOneAddressIsLimitedMoreStrictly() {
        ApiClient oneAddress = fresh();
        List<Integer> statuses = new ArrayList<>();
        Response limited = null;
        for (int i = 0; i < 5; i++) {
            Response r = oneAddress.post("/api/v1/auth/sign-in", null, body("login", "nobody@example.test", "password",
                    "wrong password " + i));
            statuses.add(r.status());
            if (r.status() == 429) {
                limited = r;
            }
        }
        assertThat(statuses.subList(0, 3)).as(statuses.toString()).containsOnly(401);
        assertThat(statuses.subList(3, 5)).as(statuses.toString()).containsOnly(429);
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
        // The rest of the API from that address is not held to the sign-in rate.
        assertThat(oneAddress.get("/health", null).status()).isEqualTo(200);
        // Nor is another address.
        assertThat(fresh().post("/api/v1/auth/sign-in", null, body("login", "nobody@example.test", "password", "x"))
                .status()).isEqualTo(401);
    }

    @Test
    void theAccessLogNamesTheRouteTemplateAndTheUserButNoIdsQueriesOrTokens() throws Exception {
        Response created = fresh().post("/api/v1/addresses", logUserToken, body("generate", "random", "domain", "example.test"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.text("id");
        ApiClient marked = unchecked.from("127.0.0.250");
        assertThat(marked.get("/api/v1/addresses/" + id + "?secret=query-canary", logUserToken).status()).isEqualTo(200);
        assertThat(marked.get("/api/v1/nothing-here", null).status()).isEqualTo(404);

        List<String> lines = server.output().lines()
                .filter(l -> l.contains("event=http.access") && l.contains("ip=127.0.0.250")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("postern.access").contains("user=" + logUserId).contains("method=GET")
                .contains("route=/api/v1/addresses/{id}").contains("status=200").containsPattern("ms=[0-9.]+");
        assertThat(lines.get(1)).contains("user=-").contains("route=-").contains("status=404");
        String all = server.output();
        assertThat(all).doesNotContain(id).doesNotContain("query-canary").doesNotContain(logUserToken)
                .doesNotContain("nothing-here");
    }
}

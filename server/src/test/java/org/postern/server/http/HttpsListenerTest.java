package org.postern.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.crypto.MasterKeyRing;
import org.postern.server.tls.TlsMaterial;
import org.slf4j.LoggerFactory;

class HttpsListenerTest {
    private static final long MAX_BODY = 4096;

    @TempDir
    static Path tmp;
    static TlsMaterial tls;
    static HttpsListener listener;
    static int port;
    static HttpClient client;
    static final AtomicBoolean READY = new AtomicBoolean(true);
    static Path certPem;

    @BeforeAll
    static void start() throws Exception {
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(tmp.resolve("data/keys/master.keys"));
        tls = TlsMaterial.selfSigned(tmp.resolve("data"), "mail.example.org", ring, Clock.systemUTC());
        certPem = TlsMaterial.certificateFile(tmp.resolve("data"));
        listener = new HttpsListener(InetAddress.getLoopbackAddress(), 0, tls, MAX_BODY, READY::get, routes -> {
            routes.get("/boom", ctx -> {
                throw new IllegalStateException("database at /var/lib/secret exploded for alice@example.org");
            });
            routes.post("/echo", ctx -> ctx.result(ctx.body()));
            org.postern.server.http.web.WebApp.load().register(routes);
        });
        port = listener.start();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("postern", tls.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(clientContext).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        listener.stop();
        client.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    private static void assertSecurityHeaders(HttpResponse<?> response) {
        SecurityHeaders.ALL.forEach((name, value) ->
                assertThat(response.headers().allValues(name)).as(name).containsExactly(value));
        assertThat(response.headers().firstValue("Server")).isEmpty();
        assertThat(response.headers().firstValue("X-Powered-By")).isEmpty();
    }

    private static void assertHeaders(HttpResponse<?> response, java.util.Map<String, String> expected) {
        expected.forEach((name, value) -> assertThat(response.headers().allValues(name)).as(name).containsExactly(value));
    }

    @Test
    void theWebAppIsServedWithItsOwnCspAndRevalidatedCaching() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(index.body()).contains("<script type=\"module\" src=\"/web/js/main.js\"></script>");
        assertHeaders(index, SecurityHeaders.WEB_APP);

        HttpResponse<String> script = get("/web/js/main.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertHeaders(script, SecurityHeaders.WEB_APP);
        String etag = script.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = send(HttpRequest.newBuilder(uri("/web/js/main.js")).header("If-None-Match", etag).GET());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertHeaders(again, SecurityHeaders.WEB_APP);

        // The API and everything else keep the API's headers.
        assertSecurityHeaders(get("/health"));
    }

    @Test
    void onlyTheManifestsFilesAreServed() throws Exception {
        for (String path : new String[] {"/web/", "/web/js/", "/web/MANIFEST", "/web/../pom.xml", "/web/%2e%2e/pom.xml",
                "/web/js/../index.html", "/web/js/%2e%2e/index.html", "/index.html", "/web/js/main.js.map",
                "/web//js/main.js", "/WEB/js/main.js"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("import ").doesNotContain("<html");
            assertSecurityHeaders(r);
        }
    }

    @Test
    void startReturnsTheBoundPort() {
        assertThat(port).isPositive();
        assertThat(listener.port()).isEqualTo(port);
    }

    @Test
    void healthSaysOkAndNothingElse() throws Exception {
        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertSecurityHeaders(response);
    }

    @Test
    void readyFollowsTheReadinessCheck() throws Exception {
        READY.set(true);
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
        assertSecurityHeaders(ready);

        READY.set(false);
        try {
            HttpResponse<String> unavailable = get("/ready");
            assertThat(unavailable.statusCode()).isEqualTo(503);
            assertThat(unavailable.body()).isEqualTo("{\"status\":\"unavailable\"}");
            assertSecurityHeaders(unavailable);
        } finally {
            READY.set(true);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/health/extra", "/%2e%2e/etc/passwd", "/index.html"})
    void unknownRoutesAreNotFound(String path) throws Exception {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isIn(400, 404);
        assertThat(response.body()).isIn("{\"error\":\"not_found\"}", "{\"error\":\"bad_request\"}");
        assertSecurityHeaders(response);
    }

    @Test
    void aWrongMethodIsMethodNotAllowed() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/health")).POST(HttpRequest.BodyPublishers.ofString("x")));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.body()).isEqualTo("{\"error\":\"method_not_allowed\"}");
        assertSecurityHeaders(response);
    }

    @Test
    void anExceptionBecomesAGenericErrorWithACorrelationIdThatTheLogExplains() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(HttpsListener.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            HttpResponse<String> response = get("/boom");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).matches("\\{\"error\":\"internal_error\",\"correlation_id\":\"[0-9a-f]{16}\"}");
            assertThat(response.body()).doesNotContain("secret").doesNotContain("Exception").doesNotContain("alice");
            assertSecurityHeaders(response);
            String correlationId = response.body().replaceAll(".*\"correlation_id\":\"([0-9a-f]+)\".*", "$1");
            assertThat(appender.list).anySatisfy(event -> {
                assertThat(event.getFormattedMessage()).contains(correlationId);
                assertThat(event.getThrowableProxy().getMessage()).contains("exploded");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aBodyOverTheLimitIsRefused() throws Exception {
        HttpResponse<String> small = send(HttpRequest.newBuilder(uri("/echo")).POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.body()).isEqualTo("hello");

        HttpResponse<String> large = send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat((int) MAX_BODY + 1))));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).isEqualTo("{\"error\":\"payload_too_large\"}");
        assertSecurityHeaders(large);
    }

    @Test
    void oversizedHeadersAreRefusedByJettyWithTheSameHeadersAndNoDetails() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/health"))
                .header("X-Big", "y".repeat(HttpsListener.MAX_REQUEST_HEADER_BYTES + 10)).GET());

        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.body()).doesNotContainIgnoringCase("jetty").doesNotContain("<");
        assertSecurityHeaders(response);
    }

    @Test
    void startingTwiceIsRefused() {
        assertThatThrownBy(listener::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPortInUseFailsToStartWithAClearMessage() {
        HttpsListener second = new HttpsListener(InetAddress.getLoopbackAddress(), port, tls, MAX_BODY, () -> true, r -> {});

        assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen");
        second.stop();
    }

    // ---- with curl, a client that is not Java ------------------------------------------------

    private static Curl curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert", certPem.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Curl(process.exitValue(), output);
    }

    record Curl(int exit, String output) {
        String header(String name) {
            return output.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(l -> l.substring(name.length() + 1).strip()).findFirst().orElse(null);
        }
    }

    @Test
    void curlSeesTheSecurityHeadersOnEveryKindOfResponse() throws Exception {
        Map<String, List<String>> cases = Map.of(
                "200", List.of("https://localhost:" + port + "/health"),
                "404", List.of("https://localhost:" + port + "/missing"),
                "405", List.of("-X", "DELETE", "https://localhost:" + port + "/ready"),
                "500", List.of("https://localhost:" + port + "/boom"));
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            List<String> args = new ArrayList<>(List.of("-i"));
            args.addAll(c.getValue());
            Curl result = curl(args.toArray(String[]::new));
            assertThat(result.exit()).as(c.getKey()).isZero();
            assertThat(result.output()).as(c.getKey()).startsWith("HTTP/1.1 " + c.getKey());
            SecurityHeaders.ALL.forEach((name, value) -> assertThat(result.header(name)).as(c.getKey() + " " + name).isEqualTo(value));
            assertThat(result.header("Server")).as(c.getKey()).isNull();
        }
    }

    @Test
    void curlInsecureModeReachesHealthOverIpLiteral() throws Exception {
        Process process = new ProcessBuilder("curl", "-sk", "--max-time", "10", "https://127.0.0.1:" + port + "/health")
                .redirectErrorStream(true).start();
        String body = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(body).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void tls12AndTls13AreAcceptedButTls11IsRefused() throws Exception {
        String url = "https://localhost:" + port + "/health";

        assertThat(curl("--tlsv1.3", url).output()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(curl("--tlsv1.2", "--tls-max", "1.2", url).output()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(curl("--tlsv1.1", "--tls-max", "1.1", url).exit()).isNotZero();
        assertThat(curl("--tlsv1", "--tls-max", "1.0", url).exit()).isNotZero();
    }

    @Test
    void cbcAndNonForwardSecretSuitesAreRefusedOnTls12() throws Exception {
        String url = "https://localhost:" + port + "/health";

        assertThat(curl("--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA", url).exit())
                .isNotZero();
        assertThat(curl("--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256", url).exit()).isZero();
    }

    @Test
    void plainHttpIsNotServed() throws Exception {
        Curl result = curl("http://localhost:" + port + "/health");

        assertThat(result.output()).doesNotContain("\"status\":\"ok\"");
    }

    @Test
    void theCertificateFileIsWhatTheServerPresents() throws Exception {
        assertThat(Files.readString(certPem)).isEqualTo(tls.certificatePem());
    }
}

package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * DANE (RFC 7672) for MX delivery, routed only by DNS ({@code POSTERN_DNS_SERVERS}, never a
 * transport override, which DANE skips): a dnspython resolver stand-in on loopback answers MX, A
 * and TLSA records and sets the AD bit record set by record set; the MX is the Python receiver
 * offering STARTTLS with a self-signed certificate, on a non-loopback address of this machine
 * (addresses from DNS on loopback are never connected to) and {@code outbound_mx_port}. A
 * matching TLSA record: delivered over TLS. A wrong one: deferred, retried, logged as a security
 * event, and delivered once the record is fixed. The same records without AD, or an MX answer
 * without AD: delivered as before DANE. A TLSA lookup that fails: deferred. No STARTTLS: deferred.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaneE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Path RECEIVER = Launcher.REPO.resolve("server/src/test/resources/e2e/smtp_receiver.py");
    private static final Path RESOLVER = Launcher.REPO.resolve("server/src/test/resources/e2e/dnssec_dns.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static String ip;
    static int port;
    static String goodTlsa;
    static Path zone;
    static Path queries;
    static Path mxDir;
    static Process mx;
    static Process resolver;
    static Launcher sender;
    static RunningServer server;
    static final List<List<Object>> records = new ArrayList<>();
    static final List<List<String>> servfail = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ip = nonLoopbackAddress();
        Assumptions.assumeTrue(ip != null, "DANE E2E needs a non-loopback IPv4 address on this machine");
        Path cert = tmp.resolve("mx-cert.pem");
        Path key = tmp.resolve("mx-key.pem");
        Launcher.Result made = ExternalTool.run(Duration.ofSeconds(60), null, List.of("openssl", "req", "-x509",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "2", "-subj", "/CN=self-signed.invalid"));
        assertThat(made.exitCode()).as(made.toString()).isZero();
        // 3 1 1: SHA-256 of the SubjectPublicKeyInfo, computed by openssl.
        Launcher.Result spki = ExternalTool.run(Duration.ofSeconds(60), null, List.of("sh", "-c",
                "openssl x509 -in " + cert + " -noout -pubkey | openssl pkey -pubin -outform DER"
                        + " | openssl dgst -sha256 -r | cut -d' ' -f1"));
        assertThat(spki.exitCode()).as(spki.toString()).isZero();
        goodTlsa = "3 1 1 " + spki.out().strip();
        assertThat(goodTlsa).matches("3 1 1 [0-9a-f]{64}");

        mxDir = Files.createDirectories(tmp.resolve("mx"));
        port = freePort();
        ProcessBuilder pb = new ProcessBuilder(ExternalTool.PYTHON, RECEIVER.toString(), Integer.toString(port),
                mxDir.toString(), "starttls", cert.toString(), key.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mx.out").toFile());
        pb.environment().put("RECEIVER_BIND", ip);
        mx = pb.start();
        assertThat(listening(tmp.resolve("mx.out"))).isEqualTo(port);

        zone = tmp.resolve("zone.json");
        queries = tmp.resolve("queries.log");
        String wrong = "3 1 1 " + "00".repeat(32);
        secureDomain("good.test", goodTlsa);
        secureDomain("bad.test", wrong);
        secureDomain("notls.test", goodTlsa);
        secureDomain("broken.test", null);
        servfail.add(List.of(tlsaName("broken.test"), "TLSA"));
        // Only PKIX-EE, which SMTP cannot use: TLS is still mandatory, but not authenticated.
        secureDomain("unusable.test", "1 1 1 " + "00".repeat(32));
        // Nothing validated: DANE does not apply however wrong the TLSA record is.
        record("insecure.test", "MX", "10 mx.insecure.test.", false);
        record("mx.insecure.test", "A", ip, false);
        record(tlsaName("insecure.test"), "TLSA", wrong, false);
        // The MX answer not validated: DANE does not apply, even with validated address and TLSA records.
        record("mixed.test", "MX", "10 mx.mixed.test.", false);
        record("mx.mixed.test", "A", ip, true);
        record(tlsaName("mixed.test"), "TLSA", wrong, true);
        writeZone();
        resolver = new ProcessBuilder(ExternalTool.PYTHON, RESOLVER.toString(), zone.toString(), queries.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("dns.out").toFile()).start();
        int dnsPort = listening(tmp.resolve("dns.out"));

        sender = new Launcher(tmp.resolve("sender"))
                .env("POSTERN_DNS_SERVERS", "127.0.0.1:" + dnsPort)
                .env("POSTERN_OUTBOUND_MX_PORT", Integer.toString(port))
                .env("POSTERN_OUTBOUND_RETRY_BASE", "1s")
                .env("POSTERN_OUTBOUND_RETRY_MAX", "2s");
        try (Deployment d = Deployment.open(sender.dataDir())) {
            d.domain("example.test").user(ALICE);
        }
        server = RunningServer.start(sender, "mail.example.test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mx != null) {
            mx.destroyForcibly();
        }
        if (resolver != null) {
            resolver.destroyForcibly();
        }
    }

    private static String tlsaName(String domain) {
        return "_" + port + "._tcp.mx." + domain;
    }

    private static void secureDomain(String domain, String tlsa) {
        record(domain, "MX", "10 mx." + domain + ".", true);
        record("mx." + domain, "A", ip, true);
        if (tlsa != null) {
            record(tlsaName(domain), "TLSA", tlsa, true);
        }
    }

    private static void record(String name, String type, String data, boolean secure) {
        records.add(List.<Object>of(name, type, data, secure));
    }

    private static synchronized void writeZone() throws IOException {
        Path next = zone.resolveSibling("zone.json.tmp");
        Files.writeString(next, JSON.writeValueAsString(Map.of("records", records, "servfail", servfail)));
        Files.move(next, zone, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()
                        && !a.isAnyLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int listening(Path out) {
        String[] line = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String text = Files.exists(out) ? Files.readString(out) : "";
            line[0] = text.lines().filter(l -> l.startsWith("listening ")).findFirst().orElse(null);
            return line[0] != null;
        });
        return Integer.parseInt(line[0].substring("listening ".length()).strip());
    }

    private static final String SEND = """
            import smtplib, ssl, sys
            port, user, pw, rcpt, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = smtplib.SMTP('127.0.0.1', port, local_hostname='laptop.example.test')
            s.starttls(context=ctx)
            s.login(user, pw)
            s.sendmail(user, [rcpt], ('From: %s\\r\\nTo: %s\\r\\nSubject: %s\\r\\n\\r\\nSecret body text.\\r\\n'
                                      % (user, rcpt, subject)).encode())
            s.quit()
            print('sent')
            """;

    private static void send(String rcpt, String subject) {
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(90), null, List.of(ExternalTool.PYTHON, "-c", SEND,
                Integer.toString(server.port("submission")), ALICE, PASSWORD, rcpt, subject));
        assertThat(r.out()).as(r.toString()).contains("sent");
    }

    private static void await(Duration atMost, org.awaitility.core.ThrowingRunnable assertion) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(300)).untilAsserted(assertion);
    }

    /** "yes" or "no" for each message the receiver accepted for {@code rcpt}: whether it came over TLS. */
    private static List<String> receivedTls(String rcpt) throws IOException {
        List<String> tls = new ArrayList<>();
        String log = mxLog();
        try (var files = Files.list(mxDir)) {
            for (Path env : files.filter(p -> p.toString().endsWith(".env")).toList()) {
                String n = env.getFileName().toString().replace(".env", "");
                if (Files.readString(env).contains(rcpt) && Files.exists(mxDir.resolve(n + ".eml"))) {
                    tls.add(log.contains("delivered " + n + " tls=yes") ? "yes"
                            : log.contains("delivered " + n + " tls=no") ? "no" : "?");
                }
            }
        }
        return tls;
    }

    private static String mxLog() throws IOException {
        Path log = mxDir.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The queue row of {@code rcpt} ({@code queue list --json}): state, attempts, last_reply; empty when not queued. */
    private static Map<String, String> queued(String rcpt) throws IOException {
        Launcher.Result list = sender.run("queue", "list", "--json");
        ok(list);
        for (String line : list.out().lines().toList()) {
            if (line.startsWith("{")) {
                Map<String, String> row = JSON.readValue(line, new com.fasterxml.jackson.core.type.TypeReference<>() {});
                if (rcpt.equals(row.get("recipient"))) {
                    return row;
                }
            }
        }
        return Map.of();
    }

    private static int attempts(String rcpt) throws IOException {
        String n = queued(rcpt).get("attempts");
        return n == null ? 0 : Integer.parseInt(n);
    }

    @Test
    @Order(1)
    void aMatchingTlsaRecordDeliversOverTlsWithSniAndTheQueriesAskForValidation() throws Exception {
        send("rcpt@good.test", "dane good");
        await(Duration.ofSeconds(60), () -> assertThat(receivedTls("rcpt@good.test")).containsExactly("yes"));
        assertThat(mxLog()).contains("sni mx.good.test");
        assertThat(server.output()).contains("event=outbound.dane_verified domain=good.test host=mx.good.test");
        // Every query asked the resolver to report validation (RFC 6840 §5.7 AD, RFC 3225 DO).
        List<String> asked = Files.readAllLines(queries).stream().filter(l -> l.contains("good.test")).toList();
        assertThat(asked).anyMatch(l -> l.startsWith(tlsaName("good.test") + " TLSA"));
        assertThat(asked).allMatch(l -> l.endsWith("ad=1 do=1"));
    }

    @Test
    @Order(2)
    void aTlsaRecordThatDoesNotMatchDefersAndRetriesUntilTheRecordIsFixed() throws Exception {
        send("rcpt@bad.test", "dane mismatch");
        // Retried (with backoff) and never delivered while the record is wrong.
        await(Duration.ofSeconds(60), () -> assertThat(attempts("rcpt@bad.test")).isGreaterThanOrEqualTo(2));
        Map<String, String> row = queued("rcpt@bad.test");
        assertThat(row.get("state")).isEqualTo("DEFERRED");
        assertThat(row.get("last_reply")).startsWith("4.7.5 DANE").contains("mx.bad.test");
        assertThat(receivedTls("rcpt@bad.test")).isEmpty();
        assertThat(mxLog()).contains("sni mx.bad.test").contains("tls failed");
        String log = server.output();
        assertThat(log).contains("event=security.dane_failed domain=bad.test host=mx.bad.test");
        // The security event names the host, never the mail.
        assertThat(log).doesNotContain("dane mismatch").doesNotContain("Secret body text").doesNotContain("rcpt@bad.test");

        synchronized (DaneE2ETest.class) {
            records.removeIf(r -> r.get(0).equals(tlsaName("bad.test")));
            record(tlsaName("bad.test"), "TLSA", goodTlsa, true);
            writeZone();
        }
        await(Duration.ofSeconds(60), () -> assertThat(receivedTls("rcpt@bad.test")).containsExactly("yes"));
    }

    @Test
    @Order(3)
    void withoutTheAdBitTheWrongTlsaRecordIsIgnoredAndDeliveryIsOpportunistic() {
        send("rcpt@insecure.test", "dane insecure");
        await(Duration.ofSeconds(60), () -> assertThat(receivedTls("rcpt@insecure.test")).containsExactly("yes"));
        assertThat(server.output()).doesNotContain("dane_failed domain=insecure.test")
                .doesNotContain("dane_verified domain=insecure.test");
    }

    @Test
    @Order(4)
    void anUnvalidatedMxAnswerMeansNoDaneEvenWithValidatedTlsaRecords() throws Exception {
        send("rcpt@mixed.test", "dane mixed");
        await(Duration.ofSeconds(60), () -> assertThat(receivedTls("rcpt@mixed.test")).containsExactly("yes"));
        // The TLSA records of a host named by an unvalidated MX answer are not even asked for.
        assertThat(Files.readAllLines(queries)).noneMatch(l -> l.startsWith(tlsaName("mixed.test")));
        assertThat(server.output()).doesNotContain("dane_failed domain=mixed.test").doesNotContain("dane_verified domain=mixed.test");
    }

    @Test
    @Order(5)
    void onlyUnusableTlsaRecordsStillMakeTlsMandatory() {
        send("rcpt@unusable.test", "dane unusable");
        await(Duration.ofSeconds(60), () -> assertThat(receivedTls("rcpt@unusable.test")).containsExactly("yes"));
        assertThat(server.output()).contains("event=outbound.dane_verified domain=unusable.test host=mx.unusable.test "
                + "authenticated=false");
    }

    @Test
    @Order(6)
    void aFailedTlsaLookupForAValidatedMxDefers() throws Exception {
        send("rcpt@broken.test", "dane servfail");
        await(Duration.ofSeconds(60), () -> assertThat(attempts("rcpt@broken.test")).isGreaterThanOrEqualTo(2));
        assertThat(queued("rcpt@broken.test").get("state")).isEqualTo("DEFERRED");
        assertThat(server.output()).contains("event=outbound.dane_lookup_failed host=mx.broken.test");
        assertThat(receivedTls("rcpt@broken.test")).isEmpty();
    }

    @Test
    @Order(7)
    void aServerThatStopsOfferingStarttlsIsNotSentToInTheClear() throws Exception {
        Files.writeString(mxDir.resolve("no-starttls"), "");
        send("rcpt@notls.test", "dane no starttls");
        await(Duration.ofSeconds(60), () -> assertThat(attempts("rcpt@notls.test")).isGreaterThanOrEqualTo(2));
        assertThat(queued("rcpt@notls.test").get("state")).isEqualTo("DEFERRED");
        assertThat(queued("rcpt@notls.test").get("last_reply")).startsWith("4.7.5 DANE").contains("STARTTLS");
        assertThat(receivedTls("rcpt@notls.test")).isEmpty();
        assertThat(server.output()).contains("event=security.dane_failed domain=notls.test host=mx.notls.test");
        // Offered again: delivered over TLS at the next retry.
        Files.delete(mxDir.resolve("no-starttls"));
        await(Duration.ofSeconds(60), () -> assertThat(receivedTls("rcpt@notls.test")).containsExactly("yes"));
        assertThat(new String(Files.readAllBytes(mxDir.resolve("log")), StandardCharsets.UTF_8)).contains("sni mx.notls.test");
    }
}

package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.checks.LoopbackDns;

/**
 * MTA-STS against a real HTTPS server on loopback (JDK's HttpsServer with a keytool certificate
 * for mta-sts.remote.test) and real DNS (dnsmasq): fetched, verified, cached; a certificate for
 * another name or a redirect is no policy.
 */
class MtaStsTest {
    private static final char[] PASS = "changeit".toCharArray();
    private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx.remote.test\r\nmax_age: 86400\r\n";

    @TempDir
    Path tmp;

    private KeyStore keyStore() throws Exception {
        Path ks = tmp.resolve("ks.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "sts", "-dname",
                "CN=mta-sts.remote.test", "-ext", "SAN=dns:mta-sts.remote.test", "-validity", "2", "-keystore",
                ks.toString(), "-storetype", "PKCS12", "-storepass", new String(PASS)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        KeyStore k = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            k.load(in, PASS);
        }
        return k;
    }

    @Test
    void aPublishedPolicyIsFetchedOverVerifiedHttpsAndCachedUntilItsIdChanges() throws Exception {
        KeyStore ks = keyStore();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext clientTrust = SSLContext.getInstance("TLS");
        clientTrust.init(null, tmf.getTrustManagers(), null);

        AtomicInteger fetches = new AtomicInteger();
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/.well-known/mta-sts.txt", ex -> {
            fetches.incrementAndGet();
            byte[] body = POLICY.getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        https.start();
        try (LoopbackDns dns = LoopbackDns.zone()
                .txt("_mta-sts.remote.test", "v=STSv1; id=20261123")
                .a("mta-sts.remote.test", "127.0.0.1")
                .txt("_mta-sts.other.test", "v=STSv1; id=1")
                .a("mta-sts.other.test", "127.0.0.1")
                .start()) {
            DnsResolver resolver = DnsResolver.create(DnsResolver.Settings.defaults(List.of(dns.address()))
                    .withQueryTimeout(Duration.ofMillis(500)).withCheckBudget(Duration.ofSeconds(5)));
            MtaSts sts = new MtaSts(clientTrust, https.getAddress().getPort(), Duration.ofSeconds(5), Clock.systemUTC());

            MtaStsPolicy policy = sts.policy("remote.test", resolver.newSession()).orElseThrow();
            assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
            assertThat(policy.allows("mx.remote.test")).isTrue();
            assertThat(fetches.get()).isEqualTo(1);
            // Same id, still fresh: from the cache, even with the web server gone.
            https.stop(0);
            assertThat(sts.policy("remote.test", resolver.newSession())).contains(policy);
            assertThat(fetches.get()).isEqualTo(1);
            // The certificate names mta-sts.remote.test, not mta-sts.other.test: no policy.
            assertThat(sts.policy("other.test", resolver.newSession())).isEmpty();
            // No TXT record at all: no policy, and nothing fetched.
            assertThat(sts.policy("plain.test", resolver.newSession())).isEmpty();
        } finally {
            https.stop(0);
        }
    }

    private static String response(String raw) throws IOException {
        return MtaSts.readResponse(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void responsesAreReadStrictly() throws IOException {
        assertThat(response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")).isEqualTo("hello");
        assertThat(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"))
                .isEqualTo("abcde");
        assertThat(response("HTTP/1.0 200 OK\r\n\r\nto the end")).isEqualTo("to the end");
        for (String bad : new String[] {
                "HTTP/1.1 301 Moved\r\nLocation: https://evil.test/\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                "HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "garbage\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\n\r\n" + "p".repeat(MtaSts.MAX_POLICY_BYTES + 1)}) {
            assertThatThrownBy(() -> response(bad)).as(bad.substring(0, Math.min(60, bad.length())))
                    .isInstanceOf(IOException.class);
        }
    }
}

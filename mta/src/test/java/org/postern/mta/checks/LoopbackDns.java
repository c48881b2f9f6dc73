package org.postern.mta.checks;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real DNS server for tests: Debian's dnsmasq on 127.0.0.1 at a free port, answering only
 * from the records given (under the reserved .test TLD, unknown names are NXDOMAIN). Names under
 * a "down" domain are forwarded to a port where nothing listens, so they time out like a broken
 * authoritative server.
 */
public final class LoopbackDns implements AutoCloseable {
    // /usr/sbin is not on every user's PATH.
    static final String DNSMASQ =
            Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq" : "dnsmasq";

    private final Process process;
    private final int port;
    private final Path dir;

    private LoopbackDns(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static Zone zone() {
        return new Zone();
    }

    /** The records to serve. */
    public static final class Zone {
        private final List<String> args = new ArrayList<>();

        /** A TXT record; values longer than 255 bytes are split into several strings. */
        public Zone txt(String name, String value) {
            if (value.indexOf(',') >= 0) {
                throw new IllegalArgumentException("dnsmasq splits TXT strings at commas");
            }
            List<String> chunks = new ArrayList<>();
            for (int i = 0; i < value.length(); i += 250) {
                chunks.add(value.substring(i, Math.min(value.length(), i + 250)));
            }
            args.add("--txt-record=" + name + (chunks.isEmpty() ? "" : "," + String.join(",", chunks)));
            return this;
        }

        public Zone a(String name, String ipv4) {
            args.add("--host-record=" + name + "," + ipv4);
            return this;
        }

        /** A CNAME; dnsmasq serves it only when it knows the target too (give it an {@link #a} record). */
        public Zone cname(String name, String target) {
            args.add("--cname=" + name + "," + target);
            return this;
        }

        public Zone mx(String domain, String host, int preference) {
            args.add("--mx-host=" + domain + "," + host + "," + preference);
            return this;
        }

        /**
         * The TTL of every answer (dnsmasq's {@code --local-ttl}); without this it is 0, which
         * resolvers may not keep, so tests see every change of the records at once.
         */
        public Zone ttl(int seconds) {
            args.add("--local-ttl=" + seconds);
            return this;
        }

        /** Every name under {@code domain} times out (forwarded to a dead port). */
        public Zone down(String domain) {
            args.add("--server=/" + domain + "/127.0.0.1#" + deadPort());
            return this;
        }

        public LoopbackDns start() throws IOException, InterruptedException {
            Path dir = Files.createTempDirectory("postern-dns");
            IOException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                List<String> cmd = new ArrayList<>(List.of(DNSMASQ,
                        "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                        "--bind-interfaces", "--listen-address=127.0.0.1", "--port=" + port,
                        "--pid-file=" + dir.resolve("dnsmasq.pid"), "--local=/test/", "--cache-size=0",
                        "--log-queries", "--log-facility=-",
                        "--txt-record=ready.postern.test,ready"));
                cmd.addAll(args);
                Process p;
                try {
                    p = new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("dnsmasq.log").toFile())
                            .start();
                } catch (IOException e) {
                    throw new IOException("dnsmasq is needed for these tests: apt-get install dnsmasq-base", e);
                }
                LoopbackDns dns = new LoopbackDns(p, port, dir);
                if (dns.awaitReady()) {
                    return dns;
                }
                dns.close();
                last = new IOException("dnsmasq did not start: " + Files.readString(dir.resolve("dnsmasq.log")));
            }
            throw last;
        }
    }

    private boolean awaitReady() {
        DnsResolver probe = DnsResolver.create(DnsResolver.Settings.defaults(List.of(address()))
                .withQueryTimeout(Duration.ofMillis(200)));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive()
                            || probe.newSession().txt("ready.postern.test").status() == DnsAnswer.Status.OK);
            return process.isAlive();
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** The value for POSTERN_DNS_SERVERS (or the dns_servers key). */
    public String serverSpec() {
        return "127.0.0.1:" + port;
    }

    /** A POSTERN_DNS_SERVERS value where no DNS server listens: every query times out. */
    public static String deadServerSpec() {
        return "127.0.0.1:" + deadPort();
    }

    /** A resolver on this server with short timeouts. */
    public DnsResolver resolver() {
        return DnsResolver.create(DnsResolver.Settings.defaults(List.of(address()))
                .withQueryTimeout(Duration.ofMillis(500))
                .withCheckBudget(Duration.ofSeconds(5)));
    }

    /** A resolver pointed at a port where no DNS server listens. */
    static DnsResolver deadResolver() {
        return DnsResolver.create(DnsResolver.Settings.defaults(
                        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), deadPort())))
                .withQueryTimeout(Duration.ofMillis(300))
                .withCheckBudget(Duration.ofSeconds(2)));
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("dnsmasq.log"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    return tcp.getLocalPort();
                } catch (IOException busy) {
                    // try another
                }
            }
        }
        throw new IOException("no free loopback port");
    }

    /** A loopback UDP port with nothing listening (bound, read, released). */
    static int deadPort() {
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return udp.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

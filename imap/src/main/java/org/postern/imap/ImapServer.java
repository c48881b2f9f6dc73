package org.postern.imap;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP listener: port 143 style (STARTTLS, {@code implicitTls = false}) or 993 style (TLS
 * from the first byte). Each connection gets a virtual thread and an {@link ImapSession};
 * connections beyond the total or per-address limit are told {@code * BYE} and closed before
 * any session state exists. The two listeners of a server share one {@link Connections} count.
 */
public final class ImapServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImapServer.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");

    /** Open connections in all and per client address, shared by the listeners of one server. */
    public static final class Connections {
        private final AtomicInteger open = new AtomicInteger();
        private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();

        boolean tryOpen(String ip, ImapSettings settings) {
            if (open.incrementAndGet() > settings.maxConnections()) {
                open.decrementAndGet();
                return false;
            }
            boolean[] ok = {false};
            perIp.compute(ip, (k, v) -> {
                int n = v == null ? 0 : v;
                ok[0] = n < settings.maxConnectionsPerIp();
                return ok[0] ? n + 1 : (n == 0 ? null : n);
            });
            if (!ok[0]) {
                open.decrementAndGet();
            }
            return ok[0];
        }

        void close(String ip) {
            perIp.computeIfPresent(ip, (k, v) -> v <= 1 ? null : v - 1);
            open.decrementAndGet();
        }

        /** Open connections now, for tests and metrics. */
        public int open() {
            return open.get();
        }
    }

    private final InetAddress bind;
    private final int requestedPort;
    private final ImapContext ctx;
    private final boolean implicitTls;
    private final Connections connections;
    private final ExecutorService sessions;
    private ServerSocket server;

    public ImapServer(InetAddress bind, int port, ImapContext ctx, boolean implicitTls, Connections connections) {
        this.bind = Objects.requireNonNull(bind);
        this.requestedPort = port;
        this.ctx = Objects.requireNonNull(ctx);
        this.implicitTls = implicitTls;
        this.connections = Objects.requireNonNull(connections);
        if (implicitTls && ctx.tls().isEmpty()) {
            throw new IllegalArgumentException("implicit TLS needs TLS material");
        }
        this.sessions = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(implicitTls ? "imaps-" : "imap-", 0).factory());
    }

    /** Binds and starts accepting. @return the bound port */
    public synchronized int start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, requestedPort), 1024);
        Thread.ofPlatform().name(implicitTls ? "imaps-accept" : "imap-accept").daemon(false).start(this::acceptLoop);
        return server.getLocalPort();
    }

    public synchronized int port() {
        return server == null ? -1 : server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("event=imap.accept_failed reason={}", e.getClass().getSimpleName());
                }
                continue;
            }
            String ip = socket.getInetAddress().getHostAddress();
            if (!connections.tryOpen(ip, ctx.settings())) {
                SECURITY.warn("event=imap.limit limit=connections client={}", ip);
                refuse(socket);
                continue;
            }
            sessions.execute(() -> {
                try {
                    new ImapSession(socket, ctx, implicitTls).run();
                } finally {
                    connections.close(ip);
                }
            });
        }
    }

    private void refuse(Socket socket) {
        Thread.ofVirtual().start(() -> {
            try (socket; OutputStream out = socket.getOutputStream()) {
                socket.setSoTimeout(5_000);
                if (!implicitTls) {
                    out.write("* BYE Too many connections, try again later\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // The peer is gone already.
            }
        });
    }

    @Override
    public synchronized void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.warn("event=imap.close_failed reason={}", e.getClass().getSimpleName());
        }
        sessions.shutdownNow();
    }
}

package org.postern.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.postern.codec.smtp.SmtpReply;
import org.postern.mta.limits.ConnectionCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every SMTP port shares: bind, accept on a platform thread, and give each connection its
 * own virtual thread, after the total and per-address connection limits. A connection over a limit
 * is refused before any session state exists: told 421 where the protocol starts in clear, simply
 * closed where it starts with TLS (a clear 421 would be garbage to a TLS client).
 */
final class SmtpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpListener.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");

    private final String name;
    private final InetAddress bind;
    private final int requestedPort;
    private final int maxConnections;
    private final ConnectionCounter perIp;
    private final boolean greetRefusals;
    private final Consumer<Socket> session;
    private final ExecutorService sessions;
    private final AtomicInteger open = new AtomicInteger();
    private ServerSocket server;

    /**
     * @param name for thread names and log events ("smtp", "submission", "submissions")
     * @param greetRefusals whether a refused connection is told 421 (false for implicit TLS)
     * @param session runs one connection to its end on the calling (virtual) thread
     */
    SmtpListener(String name, InetAddress bind, int port, int maxConnections, ConnectionCounter perIp,
            boolean greetRefusals, Consumer<Socket> session) {
        this.name = Objects.requireNonNull(name);
        this.bind = Objects.requireNonNull(bind);
        this.requestedPort = port;
        this.maxConnections = maxConnections;
        this.perIp = Objects.requireNonNull(perIp);
        this.greetRefusals = greetRefusals;
        this.session = Objects.requireNonNull(session);
        this.sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
    }

    /** Binds and starts accepting. @return the bound port */
    synchronized int start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, requestedPort), 1024);
        Thread.ofPlatform().name(name + "-accept").daemon(false).start(this::acceptLoop);
        return server.getLocalPort();
    }

    synchronized int port() {
        return server == null ? -1 : server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("event={}.accept_failed reason={}", name, e.getClass().getSimpleName());
                }
                continue;
            }
            String ip = socket.getInetAddress().getHostAddress();
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                refuse(socket, "connections", ip);
                continue;
            }
            if (!perIp.tryOpen(ip)) {
                open.decrementAndGet();
                refuse(socket, "connections_per_ip", ip);
                continue;
            }
            sessions.execute(() -> {
                try {
                    session.accept(socket);
                } finally {
                    perIp.close(ip);
                    open.decrementAndGet();
                }
            });
        }
    }

    private void refuse(Socket socket, String limit, String ip) {
        SECURITY.warn("event={}.limit limit={} client={}", name, limit, ip);
        Thread.ofVirtual().start(() -> {
            try (socket; OutputStream out = socket.getOutputStream()) {
                socket.setSoTimeout(5_000);
                if (greetRefusals) {
                    out.write(SmtpReply.of(421, "4.7.0", "Too many connections, try again later").encode());
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
            LOG.warn("event={}.close_failed reason={}", name, e.getClass().getSimpleName());
        }
        sessions.shutdownNow();
    }
}

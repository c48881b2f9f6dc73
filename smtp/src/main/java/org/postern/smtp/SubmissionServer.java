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
import org.postern.codec.smtp.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submission listener: port 587 style (STARTTLS, required before AUTH) or 465 style (TLS from
 * the first byte). Each connection gets a virtual thread and a {@link SubmissionSession};
 * connections beyond the total or per-address limit are refused before any session state exists.
 */
public final class SubmissionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubmissionServer.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");

    private final InetAddress bind;
    private final int requestedPort;
    private final SubmissionContext ctx;
    private final boolean implicitTls;
    private final ExecutorService sessions;
    private final AtomicInteger open = new AtomicInteger();
    private ServerSocket server;

    public SubmissionServer(InetAddress bind, int port, SubmissionContext ctx, boolean implicitTls) {
        this.bind = Objects.requireNonNull(bind);
        this.requestedPort = port;
        this.ctx = Objects.requireNonNull(ctx);
        this.implicitTls = implicitTls;
        this.sessions = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(implicitTls ? "submissions-" : "submission-", 0).factory());
    }

    /** Binds and starts accepting. @return the bound port */
    public synchronized int start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, requestedPort), 1024);
        Thread.ofPlatform().name(implicitTls ? "submissions-accept" : "submission-accept").daemon(false)
                .start(this::acceptLoop);
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
                    LOG.warn("event=submission.accept_failed reason={}", e.getClass().getSimpleName());
                }
                continue;
            }
            String ip = socket.getInetAddress().getHostAddress();
            if (open.incrementAndGet() > ctx.smtp().maxConnections()) {
                open.decrementAndGet();
                refuse(socket, "event=submission.limit limit=connections client={}", ip);
                continue;
            }
            if (!ctx.connectionsPerIp().tryOpen(ip)) {
                open.decrementAndGet();
                refuse(socket, "event=submission.limit limit=connections_per_ip client={}", ip);
                continue;
            }
            sessions.execute(() -> {
                try {
                    new SubmissionSession(socket, ctx, implicitTls).run();
                } finally {
                    ctx.connectionsPerIp().close(ip);
                    open.decrementAndGet();
                }
            });
        }
    }

    private void refuse(Socket socket, String event, String ip) {
        SECURITY.warn(event, ip);
        Thread.ofVirtual().start(() -> {
            try (socket; OutputStream out = socket.getOutputStream()) {
                socket.setSoTimeout(5_000);
                if (!implicitTls) {
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
            LOG.warn("event=submission.close_failed reason={}", e.getClass().getSimpleName());
        }
        sessions.shutdownNow();
    }
}

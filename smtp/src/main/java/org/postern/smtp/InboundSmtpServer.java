package org.postern.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.postern.codec.smtp.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MX listener: accepts connections and gives each its own virtual thread and
 * {@link InboundSession}. Connections beyond the total or per-address limit are told 421 and
 * closed before any session state exists.
 */
public final class InboundSmtpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InboundSmtpServer.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");

    private final InetAddress bind;
    private final int requestedPort;
    private final InboundContext ctx;
    private final ExecutorService sessions = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("smtp-", 0).factory());
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger open = new AtomicInteger();
    private ServerSocket server;
    private Thread acceptor;

    public InboundSmtpServer(InetAddress bind, int port, InboundContext ctx) {
        this.bind = bind;
        this.requestedPort = port;
        this.ctx = ctx;
    }

    /** Binds and starts accepting. @return the bound port */
    public synchronized int start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, requestedPort), 1024);
        acceptor = Thread.ofPlatform().name("smtp-accept").daemon(false).start(this::acceptLoop);
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
                    LOG.warn("event=smtp.accept_failed reason={}", e.getClass().getSimpleName());
                }
                continue;
            }
            String ip = socket.getInetAddress().getHostAddress();
            if (open.incrementAndGet() > ctx.settings().maxConnections()) {
                open.decrementAndGet();
                refuse(socket, "event=smtp.limit limit=connections client={}", ip);
                continue;
            }
            if (!ctx.connectionsPerIp().tryOpen(ip)) {
                open.decrementAndGet();
                refuse(socket, "event=smtp.limit limit=connections_per_ip client={}", ip);
                continue;
            }
            sessions.execute(() -> {
                try {
                    new InboundSession(socket, ctx, lookups).run();
                } finally {
                    ctx.connectionsPerIp().close(ip);
                    open.decrementAndGet();
                }
            });
        }
    }

    private static void refuse(Socket socket, String event, String ip) {
        SECURITY.warn(event, ip);
        Thread.ofVirtual().start(() -> {
            try (socket; OutputStream out = socket.getOutputStream()) {
                socket.setSoTimeout(5_000);
                out.write(SmtpReply.of(421, "4.7.0", "Too many connections, try again later").encode());
                out.flush();
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
            LOG.warn("event=smtp.close_failed reason={}", e.getClass().getSimpleName());
        }
        sessions.shutdownNow();
        lookups.shutdownNow();
    }
}

package org.postern.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The MX listener: accepts connections and gives each its own virtual thread and
 * {@link InboundSession}. Connections beyond the total or per-address limit are told 421 and
 * closed before any session state exists.
 */
public final class InboundSmtpServer implements AutoCloseable {
    // Recipient lookups run here so a slow database answers 451 at the deadline instead of stalling a session.
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
    private final SmtpListener listener;

    public InboundSmtpServer(InetAddress bind, int port, InboundContext ctx) {
        this.listener = new SmtpListener("smtp", bind, port, ctx.settings().maxConnections(), ctx.connectionsPerIp(),
                true, socket -> new InboundSession(socket, ctx, lookups).run());
    }

    /** Binds and starts accepting. @return the bound port */
    public int start() throws IOException {
        return listener.start();
    }

    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
        lookups.shutdownNow();
    }
}

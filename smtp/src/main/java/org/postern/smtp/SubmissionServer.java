package org.postern.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One submission listener: port 587 style (STARTTLS, required before AUTH) or 465 style (TLS from
 * the first byte). Each connection gets a virtual thread and a {@link SubmissionSession};
 * connections beyond the total or per-address limit are refused before any session state exists.
 */
public final class SubmissionServer implements AutoCloseable {
    private final SmtpListener listener;

    public SubmissionServer(InetAddress bind, int port, SubmissionContext ctx, boolean implicitTls) {
        Objects.requireNonNull(ctx);
        this.listener = new SmtpListener(implicitTls ? "submissions" : "submission", bind, port,
                ctx.smtp().maxConnections(), ctx.connectionsPerIp(), !implicitTls,
                socket -> new SubmissionSession(socket, ctx, implicitTls).run());
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
    }
}

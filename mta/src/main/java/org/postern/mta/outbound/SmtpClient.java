package org.postern.mta.outbound;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.postern.codec.smtp.RemoteReply;
import org.postern.codec.smtp.RemoteReplyReader;
import org.postern.model.EmailAddress;

/**
 * A small SMTP client for one connection to one remote server: greeting, EHLO (HELO as a
 * fallback), STARTTLS, then any number of transactions (the connection is reused for the
 * messages of one destination), QUIT. The server is untrusted: replies are read by the bounded
 * {@link RemoteReplyReader}, every read and write has a timeout, and nothing the server says is
 * executed or forwarded except as a bounded one-line summary.
 */
final class SmtpClient implements AutoCloseable {
    static final int MAX_REPLY_LINE_BYTES = 2048;
    static final int MAX_REPLY_LINES = 100;

    /** How TLS is used on this connection. */
    enum TlsMode {
        /** STARTTLS when offered, certificate not checked (RFC 7435 opportunistic security); plaintext otherwise. */
        OPPORTUNISTIC,
        /** STARTTLS must be offered and the certificate must chain to a trusted root and name the host. */
        REQUIRED_VERIFIED,
        /**
         * DANE (RFC 7672): STARTTLS must be offered, SNI names the host, and the certificate is
         * judged only by the {@link DanePolicy} context passed as the verifier (no PKIX, no
         * host-name check of ours: DANE-EE ignores names, DANE-TA checks them itself).
         */
        DANE,
        /** No STARTTLS: the retry after a failed opportunistic handshake. */
        NONE
    }

    /** The remote end broke the protocol or refused the connection itself (not a per-recipient answer). */
    static final class SessionFailure extends IOException {
        private final transient RemoteReply reply;

        SessionFailure(String message, RemoteReply reply) {
            super(message);
            this.reply = reply;
        }

        Optional<RemoteReply> reply() {
            return Optional.ofNullable(reply);
        }
    }

    /** What the server said to one transaction: per recipient, and to the data when any recipient was accepted. */
    record Transaction(Optional<RemoteReply> mailReply, Map<EmailAddress, RemoteReply> recipients,
            Optional<RemoteReply> dataReply) {

        /** The final answer for one recipient: its RCPT refusal, or the data reply, or the MAIL refusal. */
        RemoteReply outcome(EmailAddress recipient) {
            if (mailReply.isPresent() && !mailReply.get().positive()) {
                return mailReply.get();
            }
            RemoteReply rcpt = recipients.get(recipient);
            if (rcpt != null && !rcpt.positive()) {
                return rcpt;
            }
            return dataReply.orElseGet(() -> new RemoteReply(451, List.of("4.4.0 no data reply")));
        }
    }

    private final String host;
    private final Duration commandTimeout;
    private final Duration dataTimeout;
    private Socket socket;
    private RemoteReplyReader replies;
    private BufferedInputStream in;
    private OutputStream out;
    private final Map<String, String> extensions = new LinkedHashMap<>();
    private boolean tls;
    private boolean esmtp;

    private SmtpClient(String host, Duration commandTimeout, Duration dataTimeout) {
        this.host = host;
        this.commandTimeout = commandTimeout;
        this.dataTimeout = dataTimeout;
    }

    /**
     * Connects, reads the greeting, says EHLO and starts TLS as {@code mode} asks.
     * @param host the server's name (for certificate checks and logs); {@code address} is where to connect
     */
    static SmtpClient open(InetSocketAddress address, String host, String heloName, TlsMode mode,
            Duration connectTimeout, Duration commandTimeout, Duration dataTimeout) throws IOException {
        return open(address, host, heloName, mode, null, Optional.empty(), connectTimeout, commandTimeout, dataTimeout);
    }

    /**
     * As above; {@code verifier} checks the certificate when TLS is required (null: the JDK's
     * roots), and {@code credentials} sign in with AUTH PLAIN after TLS (a smarthost).
     */
    static SmtpClient open(InetSocketAddress address, String host, String heloName, TlsMode mode, SSLContext verifier,
            Optional<RelayCredentials> credentials, Duration connectTimeout, Duration commandTimeout,
            Duration dataTimeout) throws IOException {
        SmtpClient c = new SmtpClient(host, commandTimeout, dataTimeout);
        Socket s = new Socket();
        try {
            s.connect(address, (int) connectTimeout.toMillis());
            c.attach(s);
            RemoteReply greeting = c.reply(commandTimeout);
            if (greeting.code() != 220) {
                throw new SessionFailure("greeting was not 220", greeting);
            }
            c.hello(heloName);
            if (mode != TlsMode.NONE) {
                if (c.extensions.containsKey("STARTTLS")) {
                    c.startTls(mode, verifier);
                    c.hello(heloName);
                } else if (mode == TlsMode.REQUIRED_VERIFIED) {
                    throw new SessionFailure("TLS is required for this destination and the server does not offer STARTTLS",
                            null);
                } else if (mode == TlsMode.DANE) {
                    throw new SessionFailure("the host publishes TLSA records (DANE) and does not offer STARTTLS", null);
                }
            }
            if (credentials.isPresent()) {
                c.authenticate(credentials.get());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            s.close();
            throw e;
        }
    }

    boolean tls() {
        return tls;
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = new BufferedOutputStream(s.getOutputStream(), 16384);
        replies = new RemoteReplyReader(in, MAX_REPLY_LINE_BYTES, MAX_REPLY_LINES);
    }

    private void hello(String heloName) throws IOException {
        extensions.clear();
        RemoteReply r = command("EHLO " + heloName, commandTimeout);
        if (r.positive()) {
            esmtp = true;
            for (int i = 1; i < r.lines().size(); i++) {
                String line = r.lines().get(i).strip();
                int sp = line.indexOf(' ');
                String keyword = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
                extensions.put(keyword, sp < 0 ? "" : line.substring(sp + 1).strip());
            }
            return;
        }
        esmtp = false;
        RemoteReply h = command("HELO " + heloName, commandTimeout);
        if (!h.positive()) {
            throw new SessionFailure("HELO refused", h);
        }
    }

    /** AUTH PLAIN (RFC 4616), only over TLS; the secret is wiped after use and never logged. */
    private void authenticate(RelayCredentials credentials) throws IOException {
        String auth = extensions.get("AUTH");
        if (!tls || auth == null || !(" " + auth.toUpperCase(Locale.ROOT) + " ").contains(" PLAIN ")) {
            throw new SessionFailure("the relay does not offer AUTH PLAIN over TLS", null);
        }
        java.nio.ByteBuffer password = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(credentials.password()));
        byte[] login = credentials.login().getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[1 + login.length + 1 + password.remaining()];
        System.arraycopy(login, 0, message, 1, login.length);
        password.get(message, login.length + 2, password.remaining());
        java.util.Arrays.fill(password.array(), (byte) 0);
        byte[] encoded = java.util.Base64.getEncoder().encode(message);
        java.util.Arrays.fill(message, (byte) 0);
        try {
            out.write("AUTH PLAIN ".getBytes(StandardCharsets.US_ASCII));
            out.write(encoded);
            out.write('\r');
            out.write('\n');
            out.flush();
        } finally {
            java.util.Arrays.fill(encoded, (byte) 0);
        }
        RemoteReply r = reply(commandTimeout);
        if (r.code() != 235) {
            throw new SessionFailure("the relay refused our credentials", r);
        }
    }

    private void startTls(TlsMode mode, SSLContext verifier) throws IOException {
        boolean verify = mode == TlsMode.REQUIRED_VERIFIED;
        boolean dane = mode == TlsMode.DANE;
        if (dane && verifier == null) {
            throw new IllegalArgumentException("DANE needs its policy's context");
        }
        RemoteReply r = command("STARTTLS", commandTimeout);
        if (r.code() != 220) {
            throw new SessionFailure("STARTTLS refused", r);
        }
        // Anything the server sent after its 220 came in the clear: never read it as a TLS-protected reply.
        if (in.available() > 0) {
            throw new SessionFailure("server sent data behind its STARTTLS reply", null);
        }
        SSLContext context = dane ? verifier : verify ? (verifier != null ? verifier : verifyingContext()) : OPPORTUNISTIC;
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        SSLParameters params = ssl.getSSLParameters();
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (verify) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (verify || dane) {
            // SNI names the host (RFC 7672 asks DANE clients to send it: servers may pick their certificate by it).
            try {
                params.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException e) {
                // an address literal: no SNI
            }
        }
        ssl.setSSLParameters(params);
        ssl.setUseClientMode(true);
        ssl.setSoTimeout((int) commandTimeout.toMillis());
        ssl.startHandshake();
        attach(ssl);
        tls = true;
    }

    /**
     * One mail transaction. The content is sent dot-stuffed, with a final CRLF added if missing.
     * @throws IOException when the connection fails or the server breaks the protocol mid-way
     */
    Transaction send(EmailAddress from, List<EmailAddress> recipients, InputStream content, long size)
            throws IOException {
        String sizeLimit = extensions.get("SIZE");
        if (sizeLimit != null && sizeLimit.matches("[1-9][0-9]{0,17}") && size > Long.parseLong(sizeLimit)) {
            RemoteReply tooBig = new RemoteReply(552, List.of("5.3.4 message larger than the server's SIZE limit (" + sizeLimit + ")"));
            return new Transaction(Optional.of(tooBig), Map.of(), Optional.empty());
        }
        boolean utf8 = !ascii(from.toString()) || recipients.stream().anyMatch(r -> !ascii(r.toString()));
        if (utf8 && !extensions.containsKey("SMTPUTF8")) {
            RemoteReply refused = new RemoteReply(553, List.of("5.6.7 the server does not support SMTPUTF8 addresses"));
            return new Transaction(Optional.of(refused), Map.of(), Optional.empty());
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(from).append('>');
        if (esmtp && sizeLimit != null) {
            mail.append(" SIZE=").append(size);
        }
        if (esmtp && extensions.containsKey("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            mail.append(" SMTPUTF8");
        }
        RemoteReply mailReply = command(mail.toString(), commandTimeout);
        if (!mailReply.positive()) {
            reset();
            return new Transaction(Optional.of(mailReply), Map.of(), Optional.empty());
        }
        Map<EmailAddress, RemoteReply> rcpts = new LinkedHashMap<>();
        List<EmailAddress> accepted = new ArrayList<>();
        for (EmailAddress r : recipients) {
            RemoteReply reply = command("RCPT TO:<" + r + ">", commandTimeout);
            rcpts.put(r, reply);
            if (reply.positive()) {
                accepted.add(r);
            }
        }
        if (accepted.isEmpty()) {
            reset();
            return new Transaction(Optional.of(mailReply), rcpts, Optional.empty());
        }
        RemoteReply go = command("DATA", commandTimeout);
        if (go.code() != 354) {
            if (go.positive()) {
                throw new SessionFailure("DATA answered with " + go.code(), go);
            }
            reset();
            return new Transaction(Optional.of(mailReply), rcpts, Optional.of(go));
        }
        socket.setSoTimeout((int) dataTimeout.toMillis());
        writeDotStuffed(content);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RemoteReply data = reply(dataTimeout);
        return new Transaction(Optional.of(mailReply), rcpts, Optional.of(data));
    }

    private void reset() throws IOException {
        RemoteReply r = command("RSET", commandTimeout);
        if (!r.positive()) {
            throw new SessionFailure("RSET refused", r);
        }
    }

    /** Says QUIT and closes; never fails. */
    @Override
    public void close() {
        if (socket == null) {
            return;
        }
        try {
            if (!socket.isClosed()) {
                socket.setSoTimeout(5000);
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                replies.read();
            }
        } catch (IOException | RuntimeException e) {
            // closing anyway
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }

    private RemoteReply command(String line, Duration timeout) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply(timeout);
    }

    private RemoteReply reply(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return replies.read();
    }

    /** RFC 5321 §4.5.2: a line starting with "." gets another; lone CR or LF become CRLF. */
    private void writeDotStuffed(InputStream content) throws IOException {
        byte[] buf = new byte[16384];
        boolean lineStart = true;
        int previous = -1;
        int n;
        while ((n = content.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                int b = buf[i] & 0xff;
                if (b == '\n' && previous != '\r') {
                    out.write('\r');
                }
                if (previous == '\r' && b != '\n') {
                    out.write('\n');
                    lineStart = true;
                }
                if (lineStart && b == '.') {
                    out.write('.');
                }
                out.write(b);
                lineStart = b == '\n';
                previous = b;
            }
        }
        if (previous == '\r') {
            out.write('\n');
        } else if (previous != '\n' && previous != -1) {
            out.write('\r');
            out.write('\n');
        }
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private static SSLContext verifyingContext() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("no TLS", e);
        }
    }

    /**
     * Opportunistic TLS (RFC 7435): encrypt against passive eavesdropping even when the
     * certificate cannot be checked, as every MTA does for destinations without a TLS policy.
     * Never used where TLS is required.
     */
    private static final SSLContext OPPORTUNISTIC = unverifiedContext();

    private static SSLContext unverifiedContext() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }
}

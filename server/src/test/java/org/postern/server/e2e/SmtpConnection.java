package org.postern.server.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw SMTP client over a Java socket, for tests that must control every byte on the wire:
 * nothing is escaped, reordered or buffered behind the test's back. Replies are read whole
 * (multi-line ones included); a read that waits longer than {@link #READ_TIMEOUT_MS} fails.
 */
final class SmtpConnection implements AutoCloseable {
    static final int READ_TIMEOUT_MS = 60_000;

    /** One SMTP reply: its code and its lines without the code and separator. */
    record Reply(int code, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        /** The first line's enhanced status code, or "" if it has none. */
        String enhanced() {
            String first = lines.isEmpty() ? "" : lines.getFirst();
            int sp = first.indexOf(' ');
            String token = sp < 0 ? first : first.substring(0, sp);
            return token.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") ? token : "";
        }

        /** This reply, or an AssertionError if its code is not the one expected. */
        Reply require(int expected) {
            if (code != expected) {
                throw new AssertionError("expected " + expected + " but the server said: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return code + " " + String.join(" / ", lines);
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpConnection(Socket socket) throws IOException {
        attach(socket);
    }

    /** Connects to the MX on 127.0.0.1 (the greeting is left unread). */
    static SmtpConnection open(int port) throws IOException {
        return open(port, "127.0.0.1");
    }

    /**
     * Connects from the given loopback address (any 127.x.y.z on Linux), so that tests of per-address
     * limits do not share their budget with each other.
     */
    static SmtpConnection open(int port, String fromAddress) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(fromAddress), 0);
        return new SmtpConnection(s);
    }

    /** Connects, reads the greeting (which must be 220) and says EHLO. */
    static SmtpConnection ready(int port) throws IOException {
        return ready(port, "127.0.0.1");
    }

    static SmtpConnection ready(int port, String fromAddress) throws IOException {
        SmtpConnection c = open(port, fromAddress);
        c.expect(220);
        c.command("EHLO client.sender.test").require(250);
        return c;
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
    }

    /** Sends bytes exactly as given, in one write. */
    void write(String raw) throws IOException {
        write(raw.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Sends one command line (CRLF added) and reads its reply. */
    Reply command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    /** Reads the next reply. */
    Reply reply() throws IOException {
        List<String> lines = new ArrayList<>();
        int code;
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new SocketException("connection closed by the server after " + lines);
            }
            if (line.length() < 3 || !line.substring(0, 3).matches("\\d{3}")
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("not an SMTP reply line: " + line);
            }
            code = Integer.parseInt(line.substring(0, 3));
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(code, List.copyOf(lines));
            }
        }
    }

    /** Reads a reply and fails unless it has this code. */
    Reply expect(int code) throws IOException {
        return reply().require(code);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** STARTTLS, then the TLS handshake (any certificate is accepted: this is a test of the server). */
    void startTls() throws IOException {
        command("STARTTLS").require(220);
        upgradeToTls();
    }

    /** The TLS handshake alone, for tests that sent STARTTLS themselves. */
    void upgradeToTls() throws IOException {
        if (in.available() > 0) {
            throw new IOException("the server sent plaintext after its 220 to STARTTLS");
        }
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory()
                .createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        attach(tls);
    }

    /**
     * MAIL, RCPT for each recipient and DATA with the message dot-stuffed; the replies to MAIL
     * and RCPT must be 250. @return the reply to the end of data
     */
    Reply send(String from, List<String> recipients, byte[] message) throws IOException {
        command("MAIL FROM:<" + from + ">").require(250);
        for (String r : recipients) {
            command("RCPT TO:<" + r + ">").require(250);
        }
        command("DATA").require(354);
        write(dataSection(message));
        return reply();
    }

    Reply send(String from, String recipient, byte[] message) throws IOException {
        return send(from, List.of(recipient), message);
    }

    /** The message dot-stuffed and ended with CRLF.CRLF; it must already use CRLF line ends. */
    static byte[] dataSection(byte[] message) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                o.write('.');
            }
            o.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        o.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return o.toByteArray();
    }

    /**
     * Whether the server closes the connection (end of stream or reset) within the read timeout,
     * ignoring nothing: any byte it sends instead is a failure.
     */
    boolean closedByServer() throws IOException {
        try {
            int c = in.read();
            if (c >= 0) {
                throw new IOException("expected the connection to close, but the server sent more: "
                        + (char) c + readLine());
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static SSLContext trustAll() throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}

package org.postern.codec.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SMTP replies from a remote server (RFC 5321 §4.2): {@code ddd-text} continuation lines
 * and a final {@code ddd text} line, all with the same code. The peer is untrusted: a line is at
 * most {@code maxLineBytes}, a reply at most {@code maxLines}; anything else (a wrong code, a
 * change of code mid-reply, a control character) is a {@link MalformedReplyException}. Bare LF is
 * tolerated as a line end (some servers send it, and nothing here is forwarded), bare CR is not.
 */
public final class RemoteReplyReader {
    private final InputStream in;
    private final int maxLineBytes;
    private final int maxLines;

    public RemoteReplyReader(InputStream in, int maxLineBytes, int maxLines) {
        if (maxLineBytes < 16 || maxLines < 1) {
            throw new IllegalArgumentException("limits too small");
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.maxLines = maxLines;
    }

    /** The remote server broke the reply grammar or our limits. */
    public static final class MalformedReplyException extends IOException {
        public MalformedReplyException(String message) {
            super(message);
        }
    }

    /** Reads one whole reply. @throws java.io.EOFException when the server closed first */
    public RemoteReply read() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            if (lines.size() >= maxLines) {
                throw new MalformedReplyException("reply has too many lines");
            }
            String line = readLine();
            if (line.length() < 3) {
                throw new MalformedReplyException("reply line too short");
            }
            int lineCode = parseCode(line);
            if (code >= 0 && lineCode != code) {
                throw new MalformedReplyException("reply code changed within a reply");
            }
            code = lineCode;
            if (line.length() == 3) {
                lines.add("");
                return new RemoteReply(code, lines);
            }
            char sep = line.charAt(3);
            if (sep != ' ' && sep != '-') {
                throw new MalformedReplyException("reply code not followed by space or hyphen");
            }
            lines.add(line.substring(4));
            if (sep == ' ') {
                return new RemoteReply(code, lines);
            }
        }
    }

    private static int parseCode(String line) throws MalformedReplyException {
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        if (a < '2' || a > '5' || b < '0' || b > '9' || c < '0' || c > '9') {
            throw new MalformedReplyException("reply code is not 2xx..5xx");
        }
        return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection closed by the remote server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                for (int i = 0; i < len; i++) {
                    if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
                        if (bytes[i] != '\t') {
                            throw new MalformedReplyException("reply holds a control or non-ASCII byte");
                        }
                        bytes[i] = ' ';
                    }
                }
                return new String(bytes, 0, len, StandardCharsets.US_ASCII);
            }
            if (line.size() >= maxLineBytes) {
                throw new MalformedReplyException("reply line too long");
            }
            line.write(b);
        }
    }
}

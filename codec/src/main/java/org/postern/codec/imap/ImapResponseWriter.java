package org.postern.codec.imap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.PrimitiveIterator;

/**
 * Encodes {@link ImapResponse}s onto the connection's output stream (wrap it in a
 * {@code BufferedOutputStream}; call {@link #flush()} when a batch of responses is complete).
 *
 * <p>Strings are sent quoted when every octet is printable US-ASCII (or, in UTF-8 mode after
 * {@code ENABLE UTF8=ACCEPT} / IMAP4rev2, part of UTF-8 text) and they are at most
 * {@link #MAX_QUOTED_BYTES} long, with {@code "} and {@code \} escaped; otherwise as a literal
 * ({@code {n}} CRLF octets). So a CR or LF inside a value can never end the line, and 8-bit text
 * reaches a client that cannot take it only as a literal's octets. A literal streamed from an
 * {@link InputStream} is copied exactly; if the stream ends early this throws and the connection
 * must close.
 *
 * <p>Not thread-safe: a session that writes untagged updates from another thread during IDLE
 * must serialise its writes.
 */
public final class ImapResponseWriter {

    /** Strings longer than this many octets are sent as literals. */
    public static final int MAX_QUOTED_BYTES = 1024;

    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private boolean utf8;

    public ImapResponseWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out);
    }

    /** Switches to UTF-8 mode (after ENABLE UTF8=ACCEPT or IMAP4rev2): names and quoted strings may carry UTF-8. */
    public void setUtf8(boolean utf8) {
        this.utf8 = utf8;
    }

    public boolean isUtf8() {
        return utf8;
    }

    /** Writes one response. */
    public void write(ImapResponse response) throws IOException {
        switch (response) {
            case ImapResponse.Tagged t -> {
                ascii(t.tag());
                ascii(" " + t.status().name());
                if (t.code().isPresent()) {
                    ascii(" " + t.code().get());
                }
                ascii(" " + t.text());
            }
            case ImapResponse.Untagged u -> {
                ascii("* " + u.status().name());
                if (u.code().isPresent()) {
                    ascii(" " + u.code().get());
                }
                ascii(" " + u.text());
            }
            case ImapResponse.Continuation c -> ascii("+ " + c.text());
            case ImapResponse.Data d -> {
                ascii("*");
                for (ImapValue v : d.items()) {
                    out.write(' ');
                    value(v);
                }
            }
        }
        out.write(CRLF);
    }

    /** Flushes the underlying stream. */
    public void flush() throws IOException {
        out.flush();
    }

    private void value(ImapValue v) throws IOException {
        switch (v) {
            case ImapValue.Atom a -> ascii(a.value());
            case ImapValue.Flag f -> ascii(f.value());
            case ImapValue.Number n -> ascii(Long.toString(n.value()));
            case ImapValue.Raw r -> ascii(r.text());
            case ImapValue.Nil n -> ascii("NIL");
            case ImapValue.Str s -> string(s.value().replace('\0', '\uFFFD').getBytes(StandardCharsets.UTF_8), utf8);
            case ImapValue.Octets o -> string(o.unsafeValue(), false);
            case ImapValue.Mailbox m -> string(MailboxNameCodec.encode(m.name(), utf8).getBytes(StandardCharsets.UTF_8),
                    utf8);
            case ImapValue.ListOf l -> {
                out.write('(');
                boolean first = true;
                for (ImapValue item : l.items()) {
                    if (!first) {
                        out.write(' ');
                    }
                    first = false;
                    value(item);
                }
                out.write(')');
            }
            case ImapValue.NumberSeries s -> {
                PrimitiveIterator.OfLong it = s.numbers().iterator();
                boolean first = true;
                while (it.hasNext()) {
                    if (!first) {
                        out.write(' ');
                    }
                    first = false;
                    ascii(Long.toString(it.nextLong()));
                }
            }
            case ImapValue.Literal l -> literal(l);
        }
    }

    /** Quoted if safe, else a literal. {@code eightBitQuoted}: UTF-8 text may be quoted. */
    private void string(byte[] bytes, boolean eightBitQuoted) throws IOException {
        if (canQuote(bytes, eightBitQuoted)) {
            out.write('"');
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '"' || bytes[i] == '\\') {
                    out.write(bytes, start, i - start);
                    out.write('\\');
                    start = i;
                }
            }
            out.write(bytes, start, bytes.length - start);
            out.write('"');
        } else {
            ascii("{" + bytes.length + "}");
            out.write(CRLF);
            out.write(bytes);
        }
    }

    /** Whether these octets may go in a quoted string. */
    static boolean canQuote(byte[] bytes, boolean eightBit) {
        if (bytes.length > MAX_QUOTED_BYTES) {
            return false;
        }
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && !eightBit)) {
                return false;
            }
        }
        return true;
    }

    private void literal(ImapValue.Literal l) throws IOException {
        ascii((l.binary() ? "~{" : "{") + l.size() + "}");
        out.write(CRLF);
        InputStream in = l.content();
        long remaining = l.size();
        // Per literal, not per connection: an idle connection holds no copy buffer.
        byte[] copyBuffer = new byte[(int) Math.min(8192, Math.max(1, remaining))];
        while (remaining > 0) {
            int n = in.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
            if (n < 0) {
                throw new EOFException("literal content ended " + remaining + " bytes early; close the connection");
            }
            out.write(copyBuffer, 0, n);
            remaining -= n;
        }
    }

    private void ascii(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }
}

package org.postern.mta.checks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header block of a message, read up to the empty line with a byte cap, split into fields.
 * Line ends are normalised to CRLF as they are read (a bare LF becomes CRLF), so the simple
 * canonicalisation sees what the SMTP wire would carry. Text is held as ISO-8859-1 so that every
 * byte maps to one char and back. Shared by the verifier and the signer.
 */
public final class HeaderBlock {

    /** The header block is larger than the cap. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException() {
            super("header block exceeds the size limit");
        }
    }

    /**
     * One header field.
     *
     * @param name the field name as written, trailing whitespace removed; empty for a line with no colon
     * @param raw the whole field, folded lines and the final CRLF included
     */
    public record Field(String name, String raw) {
        public boolean is(String other) {
            return !name.isEmpty() && name.equalsIgnoreCase(other);
        }

        /** The text after the colon, without the final CRLF (folding kept). */
        public String value() {
            int colon = raw.indexOf(':');
            String v = colon < 0 ? "" : raw.substring(colon + 1);
            return v.endsWith("\r\n") ? v.substring(0, v.length() - 2) : v;
        }

        /** The value unfolded (CRLF before whitespace removed) and stripped. */
        public String unfoldedValue() {
            return value().replace("\r\n", "").strip();
        }

        public String lowerName() {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    private final byte[] bytes;
    private final List<Field> fields;

    private HeaderBlock(byte[] bytes, List<Field> fields) {
        this.bytes = bytes;
        this.fields = fields;
    }

    /**
     * Reads the header block and the empty line after it, leaving {@code in} at the first body
     * byte. {@code in} should be buffered: it is read byte by byte so as not to read past the block.
     */
    public static HeaderBlock read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        int lineLength = 0;
        boolean pendingCr = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (pendingCr) {
                    out.write('\r');
                }
                if (lineLength > 0 || pendingCr) {
                    out.write('\r');
                    out.write('\n');
                }
                break;
            }
            if (pendingCr) {
                pendingCr = false;
                if (b != '\n') {
                    out.write('\r');
                    lineLength++;
                }
            }
            if (b == '\r') {
                pendingCr = true;
                continue;
            }
            if (b == '\n') {
                if (lineLength == 0) {
                    break; // the empty line that ends the header block
                }
                out.write('\r');
                out.write('\n');
                lineLength = 0;
            } else {
                out.write(b);
                lineLength++;
            }
            if (out.size() > maxBytes) {
                throw new TooLargeException();
            }
        }
        if (out.size() > maxBytes) {
            throw new TooLargeException();
        }
        return parse(out.toByteArray());
    }

    /** Splits a header block (CRLF line ends, no empty line) into fields. */
    public static HeaderBlock parse(byte[] block) {
        String text = new String(block, StandardCharsets.ISO_8859_1);
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        int pos = 0;
        while (pos < text.length()) {
            int eol = text.indexOf('\n', pos);
            int end = eol < 0 ? text.length() : eol + 1;
            String line = text.substring(pos, end);
            pos = end;
            if (line.equals("\r\n") || line.equals("\n")) {
                break;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && current != null) {
                current.append(line);
            } else {
                if (current != null) {
                    fields.add(toField(current.toString()));
                }
                current = new StringBuilder(line);
            }
        }
        if (current != null) {
            fields.add(toField(current.toString()));
        }
        return new HeaderBlock(block, List.copyOf(fields));
    }

    private static Field toField(String raw) {
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            return new Field("", raw);
        }
        String name = raw.substring(0, colon).stripTrailing();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 32 || c >= 127) {
                return new Field("", raw); // not a field name (RFC 5322 ftext)
            }
        }
        return new Field(name, raw);
    }

    public List<Field> fields() {
        return fields;
    }

    public List<Field> fields(String name) {
        List<Field> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.is(name)) {
                out.add(f);
            }
        }
        return out;
    }

    public byte[] bytes() {
        return bytes.clone();
    }
}

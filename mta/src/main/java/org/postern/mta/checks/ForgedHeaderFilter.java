package org.postern.mta.checks;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds Authentication-Results fields in an incoming header block that claim our authserv-id,
 * so that intake removes them before adding its own (RFC 8601 §5): a sender must not be able to
 * pre-write our verdict. A field whose authserv-id cannot be parsed is treated as forged too,
 * since no reader could tell whose it is. Names are matched without case and with whitespace
 * before the colon; the id is matched without case and without a trailing dot, after comments.
 */
public final class ForgedHeaderFilter {
    private static final int MAX_COMMENT_DEPTH = 16;

    /**
     * One forged field in the header block given.
     *
     * @param offset where the field starts, in bytes from the start of the block
     * @param length its length in bytes, folded lines and final line end included
     */
    public record Forged(int offset, int length) {}

    private final String authservId;

    public ForgedHeaderFilter(String authservId) {
        this.authservId = AuthenticationResults.requireAuthservId(authservId);
    }

    /** The forged fields of a raw header block (CRLF or LF line ends), in order. */
    public List<Forged> find(byte[] headerBlock) {
        HeaderBlock block = HeaderBlock.parse(headerBlock);
        List<Forged> out = new ArrayList<>();
        int offset = 0;
        for (HeaderBlock.Field f : block.fields()) {
            int length = f.raw().length(); // ISO-8859-1: one char per byte
            if (f.is(AuthenticationResults.FIELD_NAME) && claimsOurs(f.value())) {
                out.add(new Forged(offset, length));
            }
            offset += length;
        }
        return List.copyOf(out);
    }

    /** The header block without the forged fields, everything else byte for byte. */
    public byte[] strip(byte[] headerBlock) {
        List<Forged> forged = find(headerBlock);
        if (forged.isEmpty()) {
            return headerBlock.clone();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(headerBlock.length);
        int pos = 0;
        for (Forged f : forged) {
            out.write(headerBlock, pos, f.offset() - pos);
            pos = f.offset() + f.length();
        }
        out.write(headerBlock, pos, headerBlock.length - pos);
        return out.toByteArray();
    }

    /** Whether an Authentication-Results value claims our authserv-id (or cannot be read). */
    public boolean claimsOurs(String value) {
        String id = authservIdOf(value);
        if (id == null) {
            return true;
        }
        String normal = id.toLowerCase(Locale.ROOT);
        if (normal.endsWith(".")) {
            normal = normal.substring(0, normal.length() - 1);
        }
        return normal.equals(authservId);
    }

    /** The authserv-id of a value: skips CFWS, reads a token or quoted-string; null if malformed. */
    static String authservIdOf(String value) {
        String v = value == null ? "" : value;
        int i = skipCfws(v, 0);
        if (i < 0 || i >= v.length()) {
            return null;
        }
        StringBuilder id = new StringBuilder();
        if (v.charAt(i) == '"') {
            for (i++; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length()) {
                    id.append(v.charAt(++i));
                } else if (c == '"') {
                    return id.toString().strip();
                } else if (c != '\r' && c != '\n') {
                    id.append(c);
                }
            }
            return null;
        }
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ';' || c == '(' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                break;
            }
            id.append(c);
        }
        return id.isEmpty() ? null : id.toString();
    }

    private static int skipCfws(String v, int start) {
        int i = start;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                for (; i < v.length(); i++) {
                    char d = v.charAt(i);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        if (++depth > MAX_COMMENT_DEPTH) {
                            return -1;
                        }
                    } else if (d == ')') {
                        if (--depth == 0) {
                            break;
                        }
                    }
                }
                if (depth != 0) {
                    return -1;
                }
                i++;
            } else {
                return i;
            }
        }
        return i;
    }
}

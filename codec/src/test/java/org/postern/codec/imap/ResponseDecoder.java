package org.postern.codec.imap;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately simple client-side reader of server responses, written from RFC 9051's
 * grammar independently of {@link ImapResponseWriter}: it splits a byte stream into responses
 * (a response ends at the first CRLF outside a literal) and each response into values: atoms
 * (as String), strings (as byte[], quoted or literal), lists (as List), NIL (as {@link #NIL}).
 */
final class ResponseDecoder {
    static final Object NIL = new Object() {
        @Override
        public String toString() {
            return "NIL";
        }
    };

    private final byte[] b;
    private int pos;

    ResponseDecoder(byte[] bytes) {
        this.b = bytes;
    }

    boolean atEnd() {
        return pos >= b.length;
    }

    /** The values of the next response, up to and including its CRLF. */
    List<Object> next() {
        List<Object> values = new ArrayList<>();
        while (true) {
            if (pos + 1 < b.length && b[pos] == '\r' && b[pos + 1] == '\n') {
                pos += 2;
                return values;
            }
            if (pos >= b.length) {
                throw new IllegalStateException("response not ended by CRLF");
            }
            values.add(value());
            if (b[pos] == ' ') {
                pos++;
            }
        }
    }

    private Object value() {
        byte c = b[pos];
        if (c == '(') {
            pos++;
            List<Object> list = new ArrayList<>();
            while (b[pos] != ')') {
                list.add(value());
                if (b[pos] == ' ') {
                    pos++;
                }
            }
            pos++;
            return list;
        }
        if (c == '"') {
            pos++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (b[pos] != '"') {
                if (b[pos] == '\r' || b[pos] == '\n') {
                    throw new IllegalStateException("line end inside a quoted string");
                }
                if (b[pos] == '\\') {
                    pos++;
                }
                out.write(b[pos++]);
            }
            pos++;
            return out.toByteArray();
        }
        if (c == '{' || (c == '~' && b[pos + 1] == '{')) {
            pos += c == '~' ? 2 : 1;
            int n = 0;
            while (b[pos] != '}') {
                n = n * 10 + (b[pos++] - '0');
            }
            pos++;
            if (b[pos] != '\r' || b[pos + 1] != '\n') {
                throw new IllegalStateException("literal size not followed by CRLF");
            }
            pos += 2;
            byte[] data = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return data;
        }
        int start = pos;
        int bracket = 0;
        while (pos < b.length && (bracket > 0 || (b[pos] != ' ' && b[pos] != ')' && b[pos] != '\r'))) {
            if (b[pos] == '[') {
                bracket++;
            } else if (b[pos] == ']') {
                bracket--;
            }
            pos++;
        }
        String atom = new String(b, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        return atom.equals("NIL") ? NIL : atom;
    }
}

package org.postern.imap;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * Removes a body part's Content-Transfer-Encoding (RFC 2045 §6), for BINARY (RFC 3516). The input
 * is message content from the internet: decoding never fails on malformed data, it keeps what it
 * can (base64: characters outside the alphabet are skipped, a dangling last quantum dropped;
 * quoted-printable: a malformed {@code =} is kept as it is, as RFC 2045 §6.7 suggests). The
 * output is never larger than the input.
 */
final class TransferDecoding {
    private TransferDecoding() {}

    /**
     * The decoded octets of {@code body} under {@code encoding} (a header value or null for none),
     * or empty for an encoding this server does not know ({@code UNKNOWN-CTE}).
     */
    static Optional<byte[]> decode(String encoding, byte[] body) {
        String name = encoding == null ? "7bit" : encoding.strip().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "", "7bit", "8bit", "binary" -> Optional.of(body);
            case "base64" -> Optional.of(base64(body));
            case "quoted-printable" -> Optional.of(quotedPrintable(body));
            default -> Optional.empty();
        };
    }

    static byte[] base64(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 3 / 4 + 3);
        int bits = 0;
        int count = 0;
        for (byte b : in) {
            if (b == '=') {
                break; // padding: the data ends here
            }
            int v = sextet(b);
            if (v < 0) {
                continue; // line breaks and anything outside the alphabet
            }
            bits = (bits << 6) | v;
            count++;
            if (count == 4) {
                out.write(bits >> 16);
                out.write(bits >> 8);
                out.write(bits);
                bits = 0;
                count = 0;
            }
        }
        // A final quantum of 2 or 3 characters carries 1 or 2 octets; a lone character carries none.
        if (count == 2) {
            out.write(bits >> 4);
        } else if (count == 3) {
            out.write(bits >> 10);
            out.write(bits >> 2);
        }
        return out.toByteArray();
    }

    private static int sextet(byte b) {
        if (b >= 'A' && b <= 'Z') {
            return b - 'A';
        }
        if (b >= 'a' && b <= 'z') {
            return b - 'a' + 26;
        }
        if (b >= '0' && b <= '9') {
            return b - '0' + 52;
        }
        return b == '+' ? 62 : b == '/' ? 63 : -1;
    }

    static byte[] quotedPrintable(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int i = 0;
        while (i < in.length) {
            int eol = i;
            while (eol < in.length && in[eol] != '\n') {
                eol++;
            }
            // Trailing whitespace on a line is transport padding (RFC 2045 §6.7 rule 3).
            int end = eol > i && in[eol - 1] == '\r' && eol < in.length ? eol - 1 : eol;
            int contentEnd = end;
            while (contentEnd > i && (in[contentEnd - 1] == ' ' || in[contentEnd - 1] == '\t')) {
                contentEnd--;
            }
            boolean soft = false;
            for (int k = i; k < contentEnd; k++) {
                byte b = in[k];
                if (b != '=') {
                    out.write(b);
                } else if (k == contentEnd - 1) {
                    soft = true; // "=" at the end of a line: a soft line break
                } else if (k + 2 < contentEnd && hex(in[k + 1]) >= 0 && hex(in[k + 2]) >= 0) {
                    out.write(hex(in[k + 1]) << 4 | hex(in[k + 2]));
                    k += 2;
                } else {
                    out.write(b); // malformed: kept literally
                }
            }
            if (eol < in.length) {
                if (!soft) {
                    out.write(in, end, eol + 1 - end); // the line break as it was (CRLF or LF)
                }
                i = eol + 1;
            } else {
                i = eol;
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10; // lowercase is not canonical, but decoders accept it
        }
        return -1;
    }
}

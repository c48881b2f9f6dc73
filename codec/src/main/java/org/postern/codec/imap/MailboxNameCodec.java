package org.postern.codec.imap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3) for clients that have not enabled
 * {@code UTF8=ACCEPT}, UTF-8 (RFC 6855, RFC 9051) for those that have.
 *
 * <p>Decoding is strict, as Dovecot's is: only printable US-ASCII; {@code &-} is {@code &};
 * a shift sequence {@code &...-} must end with {@code -}, use the modified Base64 alphabet
 * ({@code ,} for {@code /}, no padding), leave only zero padding bits, hold whole UTF-16 code
 * units forming valid surrogate pairs, and must not encode printable ASCII. A name must also be
 * in the one canonical encoding ({@code &AOk-&AOk-} is refused in favour of {@code &AOkA6Q-}), so
 * two different wire names never decode to the same mailbox. UTF-8 must be well formed (no
 * overlong forms, no surrogates). Either way the result must be a valid {@link MailboxName}.
 */
public final class MailboxNameCodec {
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = i;
        }
    }

    private MailboxNameCodec() {}

    /** Decodes a name as the client sent it (after unquoting), in the mode the session is in. */
    public static Optional<MailboxName> decode(byte[] wire, boolean utf8) {
        Optional<String> text = utf8 ? decodeUtf8(wire) : decodeModifiedUtf7(wire);
        return text.filter(MailboxName::isValid).map(MailboxName::new);
    }

    /** Encodes a name for a response: modified UTF-7 (pure ASCII) or, in UTF-8 mode, the name itself. */
    public static String encode(MailboxName name, boolean utf8) {
        return utf8 ? name.name() : encodeModifiedUtf7(name.name());
    }

    /** Encodes any Unicode text in modified UTF-7; the result is printable US-ASCII. */
    public static String encodeModifiedUtf7(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c);
                if (c == '&') {
                    out.append('-');
                }
                i++;
                continue;
            }
            int start = i;
            while (i < text.length() && (text.charAt(i) < 0x20 || text.charAt(i) > 0x7e)) {
                i++;
            }
            out.append('&');
            int bits = 0;
            int buffer = 0;
            for (int k = start; k < i; k++) {
                buffer = (buffer << 16) | text.charAt(k);
                bits += 16;
                while (bits >= 6) {
                    bits -= 6;
                    out.append(ALPHABET[(buffer >> bits) & 0x3f]);
                }
                buffer &= (1 << bits) - 1;
            }
            if (bits > 0) {
                out.append(ALPHABET[(buffer << (6 - bits)) & 0x3f]);
            }
            out.append('-');
        }
        return out.toString();
    }

    /** Decodes modified UTF-7 strictly (see the class comment); empty if the encoding is invalid. */
    public static Optional<String> decodeModifiedUtf7(byte[] wire) {
        StringBuilder out = new StringBuilder(wire.length);
        int i = 0;
        while (i < wire.length) {
            int b = wire[i] & 0xff;
            if (b < 0x20 || b > 0x7e) {
                return Optional.empty();
            }
            if (b != '&') {
                out.append((char) b);
                i++;
                continue;
            }
            i++;
            if (i < wire.length && wire[i] == '-') {
                out.append('&');
                i++;
                continue;
            }
            int bits = 0;
            int buffer = 0;
            int units = 0;
            while (true) {
                if (i >= wire.length) {
                    return Optional.empty(); // unterminated shift
                }
                int c = wire[i] & 0xff;
                i++;
                if (c == '-') {
                    break;
                }
                int v = c < 128 ? VALUES[c] : -1;
                if (v < 0) {
                    return Optional.empty();
                }
                buffer = (buffer << 6) | v;
                bits += 6;
                if (bits >= 16) {
                    bits -= 16;
                    char unit = (char) ((buffer >> bits) & 0xffff);
                    buffer &= (1 << bits) - 1;
                    if (unit >= 0x20 && unit <= 0x7e) {
                        return Optional.empty(); // printable ASCII must be sent as itself
                    }
                    out.append(unit);
                    units++;
                }
            }
            if (units == 0 || bits >= 6 || buffer != 0) {
                return Optional.empty(); // empty shift, a partial code unit, or non-zero padding
            }
        }
        String text = out.toString();
        if (!wellFormedUtf16(text)) {
            return Optional.empty();
        }
        // The canonical encoding only: adjacent shifts and other aliases are refused.
        byte[] again = encodeModifiedUtf7(text).getBytes(StandardCharsets.US_ASCII);
        return java.util.Arrays.equals(again, wire) ? Optional.of(text) : Optional.empty();
    }

    /** Decodes strict UTF-8; empty if malformed. */
    public static Optional<String> decodeUtf8(byte[] wire) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(wire)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean wellFormedUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}

package org.postern.codec.smtp;

import java.net.IDN;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;

/** RFC 5321 / RFC 6531 character classes and small validators shared by the parser and records. */
final class SmtpGrammar {
    static final int MAX_LOCAL_PART_BYTES = 64;
    static final int MAX_DOMAIN_BYTES = 255;
    static final int MAX_PATH_BYTES = 256;
    static final int MAX_LABEL_BYTES = 63;

    private SmtpGrammar() {}

    static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** RFC 5322 atext (ASCII). */
    static boolean isAsciiAtext(int c) {
        return isAlpha(c) || isDigit(c) || (c < 0x80 && c >= 0 && "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0);
    }

    /** RFC 6531 UTF8-non-ascii, less controls, whitespace and invisible format characters. */
    static boolean isUtf8Text(int cp) {
        if (cp < 0xA0) {
            return false; // ASCII is classified elsewhere; 0x80..0x9F are C1 controls
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED,
                    Character.PRIVATE_USE, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** RFC 5321 qtextSMTP (ASCII). */
    static boolean isQtext(int c) {
        return c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126);
    }

    /** RFC 5321 esmtp-keyword: (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"). */
    static boolean isEsmtpKeyword(String s) {
        if (s.isEmpty() || !(isAlpha(s.charAt(0)) || isDigit(s.charAt(0)))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isAlpha(c) || isDigit(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5321 esmtp-value: 1*(%d33-60 / %d62-126). */
    static boolean isEsmtpValue(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126 || c == '=') {
                return false;
            }
        }
        return true;
    }

    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Validates a domain name: dot-separated labels of letters, digits and inner hyphens (and
     * underscores when {@code allowUnderscore}), or, when {@code allowUtf8}, U-labels that IDNA
     * accepts. One label is enough (RFC 5321 allows {@code localhost}).
     *
     * @return 0 if invalid, 1 if valid ASCII, 2 if valid with non-ASCII labels
     */
    static int checkDomain(String d, boolean allowUtf8, boolean allowUnderscore) {
        if (d.isEmpty() || utf8Length(d) > MAX_DOMAIN_BYTES) {
            return 0;
        }
        boolean utf8 = false;
        int start = 0;
        while (true) {
            int dot = d.indexOf('.', start);
            String label = dot < 0 ? d.substring(start) : d.substring(start, dot);
            int kind = checkLabel(label, allowUtf8, allowUnderscore);
            if (kind == 0) {
                return 0;
            }
            utf8 |= kind == 2;
            if (dot < 0) {
                return utf8 ? 2 : 1;
            }
            start = dot + 1;
        }
    }

    private static int checkLabel(String label, boolean allowUtf8, boolean allowUnderscore) {
        if (label.isEmpty()) {
            return 0;
        }
        boolean ascii = true;
        for (int i = 0; i < label.length(); ) {
            int cp = label.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0x80) {
                if (!allowUtf8 || !isUtf8Text(cp)) {
                    return 0;
                }
                ascii = false;
            } else if (!(isAlpha(cp) || isDigit(cp) || cp == '-' || (allowUnderscore && cp == '_'))) {
                return 0;
            }
        }
        if (ascii) {
            if (label.length() > MAX_LABEL_BYTES || label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                return 0;
            }
            return 1;
        }
        try {
            // IDNA (java.net.IDN is IDNA2003) decides whether the U-label is acceptable; it does no
            // network access. Any runtime failure on hostile input means "not a domain".
            String a = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
            return a.isEmpty() || a.length() > MAX_LABEL_BYTES ? 0 : 2;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Validates the inside of an RFC 5321 address literal: an IPv4 dotted quad or {@code IPv6:}
     * and an IPv6 address. General (tagged) address literals have no registered tags and are refused.
     */
    static boolean isAddressLiteralContent(String s) {
        if (s.length() > 5 && s.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = s.substring(5);
            if (v6.length() < 2 || v6.length() > 45) {
                return false;
            }
            for (int i = 0; i < v6.length(); i++) {
                char c = v6.charAt(i);
                if (!(isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
                    return false;
                }
            }
            try {
                Inet6Address.ofLiteral(v6); // a parser only: never resolves
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return isIpv4(s);
    }

    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (!isDigit(p.charAt(i))) {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}

package org.postern.mta.checks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tag=value lists of DKIM signatures and keys (RFC 6376 §3.2) and DMARC records (RFC 7489
 * §6.4): unfolded, split on ';', names checked, duplicates refused, values stripped of
 * surrounding whitespace. Order is kept (DKIM keys and DMARC records need "v" first).
 */
final class TagList {
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    static final int MAX_TAGS = 64;

    /** The text is not a valid tag list. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message);
        }
    }

    private TagList() {}

    static Map<String, String> parse(String text) throws SyntaxException {
        String unfolded = text.replace("\r\n", "");
        Map<String, String> tags = new LinkedHashMap<>();
        String[] specs = unfolded.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            String spec = specs[i];
            if (spec.isBlank()) {
                if (i == specs.length - 1) {
                    break; // a trailing ';' is allowed
                }
                throw new SyntaxException("empty tag");
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new SyntaxException("tag without '='");
            }
            String name = strip(spec.substring(0, eq));
            String value = strip(spec.substring(eq + 1));
            if (!TAG_NAME.matcher(name).matches()) {
                throw new SyntaxException("invalid tag name");
            }
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if ((c < 0x21 || c > 0x7e) && c != ' ' && c != '\t') {
                    throw new SyntaxException("invalid character in tag value");
                }
            }
            if (tags.putIfAbsent(name, value) != null) {
                throw new SyntaxException("duplicate tag");
            }
            if (tags.size() > MAX_TAGS) {
                throw new SyntaxException("too many tags");
            }
        }
        return Collections.unmodifiableMap(tags);
    }

    /** Removes spaces and tabs at both ends (WSP only, as RFC 6376 FWS after unfolding). */
    static String strip(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && (s.charAt(b) == ' ' || s.charAt(b) == '\t')) {
            b++;
        }
        while (e > b && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) {
            e--;
        }
        return s.substring(b, e);
    }

    /** Removes all whitespace (base64 values may be folded anywhere). */
    static String removeWhitespace(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}

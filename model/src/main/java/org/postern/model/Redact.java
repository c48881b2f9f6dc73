package org.postern.model;

import java.util.regex.Pattern;

/**
 * The one redaction helper: everything that may reach a log passes through here. Addresses
 * keep only their domain; secrets and content are never shown at all.
 */
public final class Redact {
    private static final String HIDDEN = "[redacted]";
    // Anything that looks like local@domain, including angle-bracketed and quoted forms. A
    // leading lower-case "key=" (our log fields: rcpt=..., from=...) is kept, the rest masked.
    private static final Pattern ADDRESS_LIKE =
            Pattern.compile("(\\b[a-z_]{1,32}=)?[^\\s<>\"'(),;:@\\[\\]]+@([A-Za-z0-9.-]+\\.[A-Za-z0-9-]+)");

    private static final Pattern NOT_DOMAIN_CHAR = Pattern.compile("[^A-Za-z0-9.-]");

    private Redact() {}

    public static String address(EmailAddress address) {
        return address == null ? "***" : "***@" + address.domain().ascii();
    }

    /** Redacts a raw, possibly malformed address string without trusting it to parse. */
    public static String address(String raw) {
        if (raw == null) {
            return "***";
        }
        int at = raw.lastIndexOf('@');
        if (at < 0 || at == raw.length() - 1) {
            return "***";
        }
        String domain = NOT_DOMAIN_CHAR.matcher(raw.substring(at + 1)).replaceAll("");
        return "***@" + domain;
    }

    /** Masks every address-like run inside free text (log messages written by libraries included). */
    public static String text(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        return ADDRESS_LIKE.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                (m.group(1) == null ? "" : m.group(1)) + "***@" + m.group(2)));
    }

    /** For secrets, tokens, passwords, subjects and bodies: only the fact that there was one. */
    public static String secret(Object ignored) {
        return HIDDEN;
    }
}

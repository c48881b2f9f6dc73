package org.postern.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A mailbox address {@code local@domain} as Postern hosts and accepts it: a dot-atom local part
 * (RFC 5322 atext, plus UTF-8 per RFC 6531), at most 64 octets, folded to lower case so that
 * one address has one spelling; quoted local parts are refused.
 */
public record EmailAddress(String localPart, DomainName domain) {
    public EmailAddress {
        if (localPart == null || localPart.isEmpty()) {
            throw new InvalidInputException("address has an empty local part");
        }
        if (localPart.getBytes(StandardCharsets.UTF_8).length > 64) {
            throw new InvalidInputException("address local part is longer than 64 octets");
        }
        if (!localPart.equals(localPart.toLowerCase(Locale.ROOT))) {
            throw new InvalidInputException("address local part must be lower case; use EmailAddress.parse");
        }
        if (localPart.startsWith(".") || localPart.endsWith(".") || localPart.contains("..")) {
            throw new InvalidInputException("address local part has a misplaced dot");
        }
        for (int i = 0; i < localPart.length(); ) {
            int cp = localPart.codePointAt(i);
            if (!isAtext(cp) && cp != '.') {
                throw new InvalidInputException("address local part has a character that is not allowed");
            }
            i += Character.charCount(cp);
        }
        if (domain == null) {
            throw new InvalidInputException("address has no domain");
        }
    }

    public static EmailAddress parse(String text) {
        if (text == null) {
            throw new InvalidInputException("address is missing");
        }
        String t = text.strip();
        int at = t.lastIndexOf('@');
        if (at <= 0 || at == t.length() - 1) {
            throw new InvalidInputException("address must have the form local@domain");
        }
        if (t.length() > 254) {
            throw new InvalidInputException("address is longer than 254 characters");
        }
        return new EmailAddress(t.substring(0, at).toLowerCase(Locale.ROOT), DomainName.parse(t.substring(at + 1)));
    }

    private static boolean isAtext(int cp) {
        if (cp >= 0x80) {
            // RFC 6531 UTF8-non-ascii; control and format characters stay out.
            return !Character.isISOControl(cp) && !Character.isWhitespace(cp)
                    && Character.getType(cp) != Character.FORMAT;
        }
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(cp) >= 0;
    }

    /** The form to use in logs: {@code ***@domain}. */
    public String redacted() {
        return Redact.address(this);
    }

    @Override
    public String toString() {
        return localPart + "@" + domain.ascii();
    }
}

package org.postern.model;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A DNS domain name in its lower-case ASCII (A-label) form, validated at construction:
 * 2+ labels of letters, digits and inner hyphens, each at most 63 octets, at most 253 in all.
 */
public record DomainName(String ascii) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public DomainName {
        if (ascii == null || ascii.isEmpty() || ascii.length() > 253) {
            throw new InvalidInputException("domain name is empty or longer than 253 characters");
        }
        if (!ascii.equals(ascii.toLowerCase(Locale.ROOT))) {
            throw new InvalidInputException("domain name must be lower case; use DomainName.parse");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw new InvalidInputException("domain name needs at least two labels");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new InvalidInputException("domain name has an invalid label");
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new InvalidInputException("domain name cannot end in a numeric label");
        }
    }

    /** Accepts any case, a trailing dot and internationalised (U-label) input. */
    public static DomainName parse(String text) {
        if (text == null) {
            throw new InvalidInputException("domain name is missing");
        }
        String t = text.strip();
        if (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(t, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("domain name is not a valid internationalised name");
        }
        return new DomainName(ascii.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return ascii;
    }
}

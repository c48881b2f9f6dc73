package org.postern.store.sql;

import org.postern.model.InvalidInputException;

/** Checks on free-text values before they are stored: present, bounded, no control characters. */
final class Inputs {
    static final int SHA256_BYTES = 32;

    private Inputs() {}

    static String text(String value, String what, int maxChars) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(what + " is missing");
        }
        if (value.length() > maxChars) {
            throw new InvalidInputException(what + " is longer than " + maxChars + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(what + " contains a control character");
        }
        return value;
    }

    /** Like {@link #text}, but empty or blank is allowed (a client that sent no User-Agent, an event with no source address). */
    static String optionalText(String value, String what, int maxChars) {
        if (value == null) {
            throw new InvalidInputException(what + " is missing");
        }
        if (value.length() > maxChars) {
            throw new InvalidInputException(what + " is longer than " + maxChars + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(what + " contains a control character");
        }
        return value;
    }

    /** A SHA-256 as the identity tables keep it in place of a token or code. */
    static byte[] sha256(byte[] value, String what) {
        if (value == null || value.length != SHA256_BYTES) {
            throw new InvalidInputException(what + " must be a SHA-256 (" + SHA256_BYTES + " bytes)");
        }
        return value;
    }

    /** Present, not empty, and at most {@code maxBytes}. */
    static byte[] bytes(byte[] value, String what, int maxBytes) {
        if (value == null || value.length == 0) {
            throw new InvalidInputException(what + " is missing");
        }
        if (value.length > maxBytes) {
            throw new InvalidInputException(what + " is longer than " + maxBytes + " bytes");
        }
        return value;
    }

    /** A limit on rows returned: 1 to {@code max}. */
    static int limit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw new InvalidInputException("limit must be 1.." + max);
        }
        return limit;
    }
}

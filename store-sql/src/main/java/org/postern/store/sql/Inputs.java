package org.postern.store.sql;

import org.postern.model.InvalidInputException;

/** Checks on free-text values before they are stored: present, bounded, no control characters. */
final class Inputs {
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
}

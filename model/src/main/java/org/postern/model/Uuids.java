package org.postern.model;

import java.util.UUID;

/** Strict parsing of the canonical UUID text form used for every id. */
final class Uuids {
    private Uuids() {}

    static UUID parse(String text, String what) {
        // UUID.fromString accepts short groups such as "1-1-1-1-1"; an id must have exactly one spelling.
        // Checked by hand, not by a regex: every row read from the database parses a few ids.
        if (text == null || !canonical(text)) {
            throw new InvalidInputException("not a valid " + what);
        }
        return UUID.fromString(text);
    }

    /** 8-4-4-4-12 lower-case hexadecimal digits. */
    private static boolean canonical(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}

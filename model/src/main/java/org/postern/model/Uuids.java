package org.postern.model;

import java.util.UUID;
import java.util.regex.Pattern;

/** Strict parsing of the canonical UUID text form used for every id. */
final class Uuids {
    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Uuids() {}

    static UUID parse(String text, String what) {
        // UUID.fromString accepts short groups such as "1-1-1-1-1"; an id must have exactly one spelling.
        if (text == null || !CANONICAL.matcher(text).matches()) {
            throw new InvalidInputException("not a valid " + what);
        }
        return UUID.fromString(text);
    }
}

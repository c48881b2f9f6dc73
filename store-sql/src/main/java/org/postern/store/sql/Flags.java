package org.postern.store.sql;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.postern.model.InvalidInputException;

/** Message flags in one column: sorted, separated by single spaces (an IMAP flag cannot contain one). */
final class Flags {
    static final int MAX_FLAG_CHARS = 255;

    private Flags() {}

    static String encode(Set<String> flags) {
        TreeSet<String> sorted = new TreeSet<>();
        for (String flag : flags) {
            if (flag == null || flag.isEmpty() || flag.length() > MAX_FLAG_CHARS
                    || flag.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new InvalidInputException("a flag is empty, too long, or contains a space or control character");
            }
            sorted.add(flag);
        }
        return String.join(" ", sorted);
    }

    static Set<String> decode(String column) {
        if (column == null || column.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(column.split(" ")).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }
}

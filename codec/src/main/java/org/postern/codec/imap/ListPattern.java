package org.postern.codec.imap;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A LIST/LSUB mailbox pattern (RFC 3501 §6.3.8): {@code *} matches any run of characters,
 * {@code %} any run without the hierarchy delimiter, everything else itself.
 *
 * <p>Matching never backtracks: the pattern is compiled to a small automaton whose states are
 * positions in the pattern, and a name is run through it once, updating all live states at
 * once with word-wide bit operations. The work per name is O(name length x pattern length / 64)
 * whatever the pattern, so {@code "*".repeat(100) + "x"} against a long name costs what a plain
 * name costs (consecutive wildcards are merged first: {@code **}, {@code *%} and {@code %*}
 * mean {@code *}). Patterns are bounded to {@link #MAX_CHARS} characters.
 *
 * <p>{@code INBOX} is case-insensitive: a pattern that starts with {@code inbox} in any case,
 * followed by the delimiter or the end, is matched as {@code INBOX} (names given to
 * {@link #matches} are {@link MailboxName}s, whose INBOX is already upper case).
 */
public final class ListPattern {

    /** The longest pattern accepted, in characters. */
    public static final int MAX_CHARS = 1024;

    private static final int STAR = -1;
    private static final int PERCENT = -2;

    private final String pattern;
    private final int delimiter;
    private final int length; // states 0..length; state length accepts
    private final long[] starMask;
    private final long[] percentMask;
    private final long[] wildMask;
    private final Map<Integer, long[]> literalMasks = new HashMap<>();
    private final long[] initial;

    private ListPattern(String pattern, int[] compiled, int delimiter) {
        this.pattern = pattern;
        this.delimiter = delimiter;
        this.length = compiled.length;
        int words = (length + 1 + 63) >>> 6;
        starMask = new long[words];
        percentMask = new long[words];
        wildMask = new long[words];
        for (int i = 0; i < length; i++) {
            int p = compiled[i];
            if (p == STAR) {
                set(starMask, i);
                set(wildMask, i);
            } else if (p == PERCENT) {
                set(percentMask, i);
                set(wildMask, i);
            } else {
                set(literalMasks.computeIfAbsent(p, k -> new long[words]), i);
            }
        }
        initial = new long[words];
        set(initial, 0);
        closure(initial);
    }

    /**
     * The pattern for a LIST {@code reference} and {@code mailbox} argument (both already
     * decoded to Unicode). RFC 3501 leaves the combination to the server; Postern's rule: a
     * pattern that starts with the delimiter stands alone, otherwise the reference is prefixed
     * as is. Empty if the combined pattern is longer than {@link #MAX_CHARS}.
     */
    public static Optional<ListPattern> of(String reference, String mailbox, char delimiter) {
        Objects.requireNonNull(reference);
        Objects.requireNonNull(mailbox);
        String combined = !mailbox.isEmpty() && mailbox.charAt(0) == delimiter ? mailbox : reference + mailbox;
        return compile(combined, delimiter);
    }

    /** A single pattern; empty if longer than {@link #MAX_CHARS}. */
    public static Optional<ListPattern> compile(String pattern, char delimiter) {
        if (pattern.length() > MAX_CHARS) {
            return Optional.empty();
        }
        if (pattern.regionMatches(true, 0, "INBOX", 0, 5)
                && (pattern.length() == 5 || pattern.charAt(5) == delimiter)) {
            pattern = "INBOX" + pattern.substring(5);
        }
        int[] points = pattern.codePoints().toArray();
        int[] compiled = new int[points.length];
        int n = 0;
        for (int cp : points) {
            int token = cp == '*' ? STAR : cp == '%' ? PERCENT : cp;
            if (token < 0 && n > 0 && compiled[n - 1] < 0) {
                // Adjacent wildcards: ** = *, %% = %, *% = %* = *.
                compiled[n - 1] = (token == STAR || compiled[n - 1] == STAR) ? STAR : PERCENT;
                continue;
            }
            compiled[n++] = token;
        }
        return Optional.of(new ListPattern(pattern, java.util.Arrays.copyOf(compiled, n), delimiter));
    }

    /** The pattern as given (after INBOX normalisation). */
    public String pattern() {
        return pattern;
    }

    /** Whether the pattern matches the whole name. */
    public boolean matches(MailboxName name) {
        return matches(name.name());
    }

    /** Whether the pattern matches the whole text. */
    public boolean matches(String name) {
        long[] states = run(name);
        return states != null && get(states, length);
    }

    /**
     * Whether some mailbox below {@code name} (a name starting with {@code name} and the
     * delimiter) could match: for skipping whole subtrees, and for LSUB's and LIST-EXTENDED's
     * rule that a parent of a matching child is reported.
     */
    public boolean couldMatchDescendantOf(String name) {
        long[] states = run(name + Character.toString(delimiter));
        if (states == null) {
            return false;
        }
        for (long w : states) {
            if (w != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the pattern has no wildcard. */
    public boolean isLiteral() {
        for (long w : wildMask) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    private long[] run(String name) {
        long[] current = initial.clone();
        long[] next = new long[current.length];
        long[] literal = new long[current.length];
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            boolean alive = false;
            long[] lm = literalMasks.get(c);
            for (int w = 0; w < current.length; w++) {
                long stay = current[w] & starMask[w];
                if (c != delimiter) {
                    stay |= current[w] & percentMask[w];
                }
                next[w] = stay;
                literal[w] = lm == null ? 0 : current[w] & lm[w];
            }
            shiftOrInto(literal, next);
            closure(next);
            for (long w : next) {
                alive |= w != 0;
            }
            if (!alive) {
                return null;
            }
            long[] t = current;
            current = next;
            next = t;
        }
        return current;
    }

    /** A wildcard may match nothing: a state on one also stands just past it. */
    private void closure(long[] states) {
        long[] wild = new long[states.length];
        for (int w = 0; w < states.length; w++) {
            wild[w] = states[w] & wildMask[w];
        }
        // No two wildcards are adjacent after compilation, so one step suffices.
        shiftOrInto(wild, states);
    }

    /** {@code target |= source << 1} over the whole bit vector. */
    private static void shiftOrInto(long[] source, long[] target) {
        long carry = 0;
        for (int w = 0; w < source.length; w++) {
            long v = source[w];
            target[w] |= (v << 1) | carry;
            carry = v >>> 63;
        }
    }

    private static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private static boolean get(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    @Override
    public String toString() {
        return "ListPattern[" + pattern + "]";
    }
}

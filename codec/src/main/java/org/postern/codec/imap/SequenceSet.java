package org.postern.codec.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set as the client wrote it (RFC 9051 §9 {@code sequence-set}): message sequence
 * numbers or UIDs, single numbers and ranges, {@code *} for the largest number in use, ranges in
 * either order ({@code 5:2} is {@code 2:5}); or {@code $}, the result saved by an earlier
 * {@code SEARCH RETURN (SAVE)} (RFC 5182).
 *
 * <p>Nothing is materialised: {@code 1:4294967295} is one range. {@link #resolve(long)} turns the
 * set into sorted, disjoint intervals once the session knows what {@code *} stands for.
 *
 * @param ranges the elements as written, in order (empty only for {@code $})
 * @param savedResult whether this is {@code $}
 */
public record SequenceSet(List<Range> ranges, boolean savedResult) {

    /** The value of {@code *} in a {@link Range} as written. */
    public static final long STAR = -1;

    /** The largest sequence number or UID: {@code nz-number} is 32 bits. */
    public static final long MAX_NUMBER = 0xFFFF_FFFFL;

    /** {@code $}: the saved search result (RFC 5182). */
    public static final SequenceSet SAVED_RESULT = new SequenceSet(List.of(), true);

    /**
     * One element: {@code first} alone when {@code first == last}, else {@code first:last}, each
     * a number 1..4294967295 or {@link #STAR}.
     */
    public record Range(long first, long last) {
        public Range {
            check(first);
            check(last);
        }

        private static void check(long n) {
            if (n != STAR && (n < 1 || n > MAX_NUMBER)) {
                throw new IllegalArgumentException("sequence number out of range");
            }
        }

        /** The wire form: {@code 7}, {@code *}, {@code 2:4}, {@code 5:*}. */
        @Override
        public String toString() {
            String a = first == STAR ? "*" : Long.toString(first);
            return first == last ? a : a + ":" + (last == STAR ? "*" : Long.toString(last));
        }
    }

    public SequenceSet {
        ranges = List.copyOf(ranges);
        if (savedResult != ranges.isEmpty()) {
            throw new IllegalArgumentException("a sequence set is either $ or at least one range");
        }
    }

    /** A set of the given ranges. */
    public static SequenceSet of(Range... ranges) {
        return new SequenceSet(List.of(ranges), false);
    }

    /** A set of single numbers and ranges {@code [from, to]}, each pair given as two numbers. */
    public static SequenceSet ofRanges(long... bounds) {
        if (bounds.length == 0 || bounds.length % 2 != 0) {
            throw new IllegalArgumentException("give pairs of numbers");
        }
        List<Range> list = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            list.add(new Range(bounds[i], bounds[i + 1]));
        }
        return new SequenceSet(list, false);
    }

    /** Whether any element uses {@code *}. */
    public boolean usesStar() {
        for (Range r : ranges) {
            if (r.first == STAR || r.last == STAR) {
                return true;
            }
        }
        return false;
    }

    /**
     * The largest number written (not counting {@code *}), 0 if none: a session compares it with
     * the mailbox's message count to answer BAD to a message sequence number that does not exist
     * (RFC 9051 §6.4.8 hmm, RFC 3501 §9 "seq-number"), which {@link #resolve} silently drops.
     */
    public long largestNumber() {
        long max = 0;
        for (Range r : ranges) {
            max = Math.max(max, Math.max(r.first, r.last));
        }
        return max;
    }

    /**
     * The numbers this set names in a mailbox whose largest number in use is {@code max} (the
     * message count for sequence numbers, the last message's UID for UIDs; 0 when empty):
     * {@code *} becomes {@code max}, each range is put in order, and everything is clipped to
     * {@code 1..max}. So {@code 559:*} in a mailbox whose last UID is 500 is {@code 500}
     * (RFC 3501 §6.4.8: it always includes the last message), and {@code *} in an empty mailbox
     * is nothing. Costs O(k log k) for k elements, whatever the numbers.
     *
     * @throws IllegalStateException for {@code $}: the session substitutes its saved result
     */
    public NumberRanges resolve(long max) {
        if (savedResult) {
            throw new IllegalStateException("$ names the saved search result, which the session holds");
        }
        if (max < 0 || max > MAX_NUMBER) {
            throw new IllegalArgumentException("max out of range");
        }
        long[] lows = new long[ranges.size()];
        long[] highs = new long[ranges.size()];
        int n = 0;
        for (Range r : ranges) {
            long a = r.first == STAR ? max : r.first;
            long b = r.last == STAR ? max : r.last;
            long lo = Math.max(1, Math.min(a, b));
            long hi = Math.min(max, Math.max(a, b));
            if (lo <= hi) {
                lows[n] = lo;
                highs[n] = hi;
                n++;
            }
        }
        return NumberRanges.ofIntervals(lows, highs, n);
    }

    /** The wire form: {@code 1:3,5,7:*} or {@code $}. */
    @Override
    public String toString() {
        if (savedResult) {
            return "$";
        }
        StringBuilder b = new StringBuilder();
        for (Range r : ranges) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(r);
        }
        return b.toString();
    }
}

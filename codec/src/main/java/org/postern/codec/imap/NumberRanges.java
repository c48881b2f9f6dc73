package org.postern.codec.imap;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;

/**
 * A set of positive numbers (message sequence numbers or UIDs) kept as sorted, disjoint,
 * non-adjacent closed intervals, so that {@code 1:4294967295} costs two longs. Made by
 * {@link SequenceSet#resolve(long)}, or by {@link #of(long...)} for building response sets
 * ({@code COPYUID}, {@code APPENDUID}, {@code ESEARCH ALL}, {@code VANISHED}). Immutable.
 */
public final class NumberRanges {
    private static final NumberRanges EMPTY = new NumberRanges(new long[0], new long[0]);

    private final long[] lows;
    private final long[] highs;

    private NumberRanges(long[] lows, long[] highs) {
        this.lows = lows;
        this.highs = highs;
    }

    /** The empty set. */
    public static NumberRanges empty() {
        return EMPTY;
    }

    /** The set of the given numbers (any order, duplicates allowed, each 1..4294967295). */
    public static NumberRanges of(long... numbers) {
        long[] lows = numbers.clone();
        for (long n : lows) {
            if (n < 1 || n > SequenceSet.MAX_NUMBER) {
                throw new IllegalArgumentException("number out of range");
            }
        }
        return ofIntervals(lows, lows.clone(), lows.length);
    }

    /** The interval {@code [low, high]}. */
    public static NumberRanges range(long low, long high) {
        if (low < 1 || high > SequenceSet.MAX_NUMBER || low > high) {
            throw new IllegalArgumentException("bad interval");
        }
        return new NumberRanges(new long[] {low}, new long[] {high});
    }

    /** Sorts and merges the first {@code n} intervals {@code [lows[i], highs[i]]} (each low <= high). */
    static NumberRanges ofIntervals(long[] lows, long[] highs, int n) {
        if (n == 0) {
            return EMPTY;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(lows[x], lows[y]));
        long[] outLows = new long[n];
        long[] outHighs = new long[n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (m > 0 && lows[i] <= outHighs[m - 1] + 1) {
                outHighs[m - 1] = Math.max(outHighs[m - 1], highs[i]);
            } else {
                outLows[m] = lows[i];
                outHighs[m] = highs[i];
                m++;
            }
        }
        return new NumberRanges(Arrays.copyOf(outLows, m), Arrays.copyOf(outHighs, m));
    }

    /** Whether {@code n} is in the set; O(log intervals). */
    public boolean contains(long n) {
        int lo = 0;
        int hi = lows.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (n < lows[mid]) {
                hi = mid - 1;
            } else if (n > highs[mid]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** How many numbers the set holds. */
    public long size() {
        long total = 0;
        for (int i = 0; i < lows.length; i++) {
            total += highs[i] - lows[i] + 1;
        }
        return total;
    }

    public boolean isEmpty() {
        return lows.length == 0;
    }

    /** How many intervals. */
    public int intervalCount() {
        return lows.length;
    }

    /** The lower end of interval {@code i}. */
    public long low(int i) {
        return lows[i];
    }

    /** The upper end of interval {@code i}. */
    public long high(int i) {
        return highs[i];
    }

    /** The smallest number. @throws NoSuchElementException when empty */
    public long min() {
        if (isEmpty()) {
            throw new NoSuchElementException();
        }
        return lows[0];
    }

    /** The largest number. @throws NoSuchElementException when empty */
    public long max() {
        if (isEmpty()) {
            throw new NoSuchElementException();
        }
        return highs[highs.length - 1];
    }

    /** The numbers in ascending order, produced lazily. */
    public PrimitiveIterator.OfLong iterator() {
        return new PrimitiveIterator.OfLong() {
            private int interval;
            private long next = lows.length == 0 ? 0 : lows[0];

            @Override
            public boolean hasNext() {
                return interval < lows.length;
            }

            @Override
            public long nextLong() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long value = next;
                if (next == highs[interval]) {
                    interval++;
                    if (interval < lows.length) {
                        next = lows[interval];
                    }
                } else {
                    next++;
                }
                return value;
            }
        };
    }

    /** The numbers in ascending order, produced lazily. */
    public LongStream stream() {
        return StreamSupport.longStream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
    }

    /** The wire form as a sequence set, {@code 1:3,5}; empty string when empty. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lows.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(lows[i]);
            if (highs[i] != lows[i]) {
                b.append(':').append(highs[i]);
            }
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NumberRanges r && Arrays.equals(lows, r.lows) && Arrays.equals(highs, r.highs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lows) + Arrays.hashCode(highs);
    }
}

package org.postern.server.http;

import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a user id, a client address): each holds up to {@code burst} tokens and
 * refills at {@code perSecond}; a request takes one token or is told how long to wait. The map is
 * bounded: when it is full, buckets that have refilled completely (idle keys) are dropped, and if
 * none can be, new keys are refused (fail closed) until some can.
 */
public final class TokenBuckets {
    /** Most keys tracked at once. */
    public static final int MAX_KEYS = 100_000;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /**
     * @param perSecond sustained rate, tokens per second
     * @param burst bucket size
     * @param nanoTime the clock ({@link System#nanoTime} in production; a test may step it)
     * @param maxKeys most keys tracked at once
     */
    public TokenBuckets(double perSecond, int burst, LongSupplier nanoTime, int maxKeys) {
        if (!(perSecond > 0) || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate, burst and maxKeys must be positive");
        }
        this.perNano = perSecond / 1_000_000_000d;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.maxKeys = maxKeys;
    }

    public TokenBuckets(double perSecond, int burst) {
        this(perSecond, burst, System::nanoTime, MAX_KEYS);
    }

    /**
     * Takes one token for {@code key}.
     *
     * @return empty if the request may go ahead, else the whole seconds (at least 1) to wait
     */
    public OptionalLong take(String key) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys && !evictIdle(now)) {
                return OptionalLong.of(1);
            }
            bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        }
        synchronized (bucket) {
            refill(bucket, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return OptionalLong.empty();
            }
            double waitNanos = (1 - bucket.tokens) / perNano;
            return OptionalLong.of(Math.max(1, (long) Math.ceil(waitNanos / 1_000_000_000d)));
        }
    }

    /** Keys currently tracked. */
    public int size() {
        return buckets.size();
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = now - bucket.at;
        if (elapsed > 0) {
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perNano);
            bucket.at = now;
        }
    }

    private boolean evictIdle(long now) {
        boolean any = false;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext();) {
            Bucket b = it.next();
            synchronized (b) {
                refill(b, now);
                if (b.tokens >= burst) {
                    it.remove();
                    any = true;
                }
            }
        }
        return any;
    }
}

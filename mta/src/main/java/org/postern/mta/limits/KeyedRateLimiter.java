package org.postern.mta.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per key (a client IP, a recipient domain): {@code capacity} events at once,
 * refilled at {@code capacity} per {@code period}. The number of keys tracked is bounded; the
 * least recently used is forgotten first, so a flood of distinct keys cannot exhaust memory.
 */
public final class KeyedRateLimiter {
    private final long capacity;
    private final double tokensPerNano;
    private final long periodNanos;
    private final int maxKeys;
    private final Clock clock;
    private final Map<String, double[]> buckets; // [tokens, lastRefillNanos]

    public KeyedRateLimiter(long capacity, Duration period, int maxKeys, Clock clock) {
        if (capacity < 1 || period.isNegative() || period.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("capacity, period and maxKeys must be positive");
        }
        this.capacity = capacity;
        this.tokensPerNano = (double) capacity / period.toNanos();
        this.periodNanos = period.toNanos();
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > KeyedRateLimiter.this.maxKeys;
            }
        };
    }

    /** Takes {@code n} tokens for {@code key} if it has them. @return false when over the limit */
    public boolean tryAcquire(String key, long n) {
        return take(key, n, capacity, tokensPerNano);
    }

    /**
     * Takes one token for {@code key} from a bucket of {@code keyCapacity} refilled at that many per
     * period: for limits that differ per key (a tenant's messages per hour) and may change at any
     * time. A lower capacity applies at once; a higher one fills at the new rate.
     *
     * @return false when over the limit
     */
    public boolean tryAcquireWithin(String key, long keyCapacity) {
        if (keyCapacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        return take(key, 1, keyCapacity, (double) keyCapacity / periodNanos);
    }

    private synchronized boolean take(String key, long n, long capacity, double tokensPerNano) {
        double now = clock.millis() * 1_000_000.0;
        double[] b = buckets.computeIfAbsent(key, k -> new double[] {capacity, now});
        b[0] = Math.min(capacity, b[0] + (now - b[1]) * tokensPerNano);
        b[1] = now;
        if (b[0] >= n) {
            b[0] -= n;
            return true;
        }
        return false;
    }

    public boolean tryAcquire(String key) {
        return tryAcquire(key, 1);
    }
}

package org.postern.mta.limits;

import java.util.HashMap;
import java.util.Map;

/** Open connections per key (client IP), with a cap per key. */
public final class ConnectionCounter {
    private final int maxPerKey;
    private final Map<String, Integer> open = new HashMap<>();

    public ConnectionCounter(int maxPerKey) {
        if (maxPerKey < 1) {
            throw new IllegalArgumentException("maxPerKey must be positive");
        }
        this.maxPerKey = maxPerKey;
    }

    /** @return false (and nothing counted) when the key already has the maximum open */
    public synchronized boolean tryOpen(String key) {
        int n = open.getOrDefault(key, 0);
        if (n >= maxPerKey) {
            return false;
        }
        open.put(key, n + 1);
        return true;
    }

    public synchronized void close(String key) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    public synchronized int openFor(String key) {
        return open.getOrDefault(key, 0);
    }
}

package org.postern.mta.outbound;

import java.time.Duration;

/**
 * When to try a deferred recipient again: {@code base * 2^(attempts-1)}, at most {@code max}
 * (5 min, 10, 20, 40, then hourly with the defaults), as Postfix's queue manager does.
 */
public record Backoff(Duration base, Duration max) {

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    public Duration after(int attempts) {
        if (attempts < 1) {
            return base;
        }
        int shift = Math.min(attempts - 1, 30);
        long millis = base.toMillis();
        long scaled = millis > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : millis << shift;
        return scaled >= max.toMillis() ? max : Duration.ofMillis(scaled);
    }
}

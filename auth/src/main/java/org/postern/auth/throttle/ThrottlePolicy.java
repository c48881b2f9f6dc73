package org.postern.auth.throttle;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed sign-ins are slowed down and stopped.
 *
 * @param freeFailures failures of one account from one address that cost nothing (typing mistakes)
 * @param baseDelay the wait after the first failure beyond {@code freeFailures}; it doubles with each further one
 * @param maxDelay the longest wait
 * @param lockAfter failures of one account from one address that lock that pair
 * @param lockFor how long such a lock lasts
 * @param window failures are counted until this long has passed without one; then the count restarts
 * @param ipLockAfter failures from one address, whatever the accounts, that lock the address
 * @param ipLockFor how long an address lock lasts
 */
public record ThrottlePolicy(int freeFailures, Duration baseDelay, Duration maxDelay, int lockAfter, Duration lockFor,
        Duration window, int ipLockAfter, Duration ipLockFor) {
    public static final ThrottlePolicy DEFAULT = new ThrottlePolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(16),
            10, Duration.ofMinutes(15), Duration.ofMinutes(15), 100, Duration.ofMinutes(15));

    public ThrottlePolicy {
        if (freeFailures < 0) {
            throw new IllegalArgumentException("freeFailures must not be negative");
        }
        positive(baseDelay, "baseDelay");
        positive(maxDelay, "maxDelay");
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must not be shorter than baseDelay");
        }
        if (lockAfter <= freeFailures) {
            throw new IllegalArgumentException("lockAfter must be greater than freeFailures");
        }
        positive(lockFor, "lockFor");
        positive(window, "window");
        if (ipLockAfter < 1) {
            throw new IllegalArgumentException("ipLockAfter must be at least 1");
        }
        positive(ipLockFor, "ipLockFor");
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}

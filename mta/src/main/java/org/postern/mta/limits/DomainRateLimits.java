package org.postern.mta.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Messages per minute per hosted recipient domain, in tiers: one default rate for every domain,
 * and a rate of its own for each domain the operator names (a busy organisation's domain above
 * the default, a small one below it).
 */
public final class DomainRateLimits {
    private final KeyedRateLimiter defaultTier;
    private final Map<String, KeyedRateLimiter> ownTiers = new HashMap<>();

    /**
     * @param perMinute the default rate
     * @param overrides domain (lower-case A-label) to its own rate per minute
     */
    public DomainRateLimits(int perMinute, Map<String, Integer> overrides, int maxDomains, Clock clock) {
        Duration minute = Duration.ofMinutes(1);
        this.defaultTier = new KeyedRateLimiter(perMinute, minute, maxDomains, clock);
        overrides.forEach((domain, rate) -> ownTiers.put(domain, new KeyedRateLimiter(rate, minute, 1, clock)));
    }

    /** Takes one message for {@code domain}. @return false when the domain is over its rate */
    public boolean tryAcquire(String domain) {
        return ownTiers.getOrDefault(domain, defaultTier).tryAcquire(domain);
    }
}

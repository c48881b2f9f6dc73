package org.postern.mta.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LimitersTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    @Test
    void aBucketAllowsItsCapacityThenRefillsOverThePeriod() {
        ManualClock clock = new ManualClock();
        KeyedRateLimiter limiter = new KeyedRateLimiter(3, Duration.ofMinutes(1), 100, clock);
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isFalse();
        assertThat(limiter.tryAcquire("b")).isTrue();
        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("a")).isFalse();
    }

    @Test
    void aCapacityPerCallAppliesAtOnceWhenLoweredAndRefillsAtItsOwnRate() {
        ManualClock clock = new ManualClock();
        KeyedRateLimiter limiter = new KeyedRateLimiter(100, Duration.ofHours(1), 100, clock);
        assertThat(limiter.tryAcquireWithin("a", 2)).isTrue();
        assertThat(limiter.tryAcquireWithin("a", 2)).isTrue();
        assertThat(limiter.tryAcquireWithin("a", 2)).isFalse();
        // Another key keeps the default capacity.
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquireWithin("b", 100)).isTrue();
        }
        assertThat(limiter.tryAcquireWithin("b", 100)).isFalse();
        // Half an hour refills one of two per hour.
        clock.advance(Duration.ofMinutes(30));
        assertThat(limiter.tryAcquireWithin("a", 2)).isTrue();
        assertThat(limiter.tryAcquireWithin("a", 2)).isFalse();
        // Lowered with nine left: the bucket holds at most the new capacity, one.
        assertThat(limiter.tryAcquireWithin("c", 10)).isTrue();
        assertThat(limiter.tryAcquireWithin("c", 1)).isTrue();
        assertThat(limiter.tryAcquireWithin("c", 1)).isFalse();
    }

    @Test
    void theNumberOfTrackedKeysIsBounded() {
        ManualClock clock = new ManualClock();
        KeyedRateLimiter limiter = new KeyedRateLimiter(1, Duration.ofHours(1), 2, clock);
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("b")).isTrue();
        assertThat(limiter.tryAcquire("c")).isTrue();
        // "a" was forgotten to make room: it starts again with a full bucket.
        assertThat(limiter.tryAcquire("a")).isTrue();
        assertThat(limiter.tryAcquire("c")).isFalse();
    }

    @Test
    void connectionsPerKeyAreCountedAndReleased() {
        ConnectionCounter counter = new ConnectionCounter(2);
        assertThat(counter.tryOpen("ip")).isTrue();
        assertThat(counter.tryOpen("ip")).isTrue();
        assertThat(counter.tryOpen("ip")).isFalse();
        assertThat(counter.tryOpen("other")).isTrue();
        counter.close("ip");
        assertThat(counter.openFor("ip")).isEqualTo(1);
        assertThat(counter.tryOpen("ip")).isTrue();
    }

    @Test
    void aDomainWithATierOfItsOwnUsesItAndOthersTheDefault() {
        ManualClock clock = new ManualClock();
        DomainRateLimits limits = new DomainRateLimits(1, java.util.Map.of("big.example", 3), 100, clock);
        assertThat(limits.tryAcquire("big.example")).isTrue();
        assertThat(limits.tryAcquire("big.example")).isTrue();
        assertThat(limits.tryAcquire("big.example")).isTrue();
        assertThat(limits.tryAcquire("big.example")).isFalse();
        assertThat(limits.tryAcquire("small.example")).isTrue();
        assertThat(limits.tryAcquire("small.example")).isFalse();
    }
}

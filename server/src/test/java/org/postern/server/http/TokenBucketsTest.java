package org.postern.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * SECOND);

    @Test
    void aBurstIsAllowedThenTheRateAppliesWithTheWaitInWholeSeconds() {
        TokenBuckets buckets = new TokenBuckets(2, 3, now::get, 100);
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.take("alice")).isEmpty();
        }
        assertThat(buckets.take("alice")).hasValue(1);
        now.addAndGet(SECOND / 2);
        assertThat(buckets.take("alice")).isEmpty();
        assertThat(buckets.take("alice")).hasValue(1);
        // Another key has its own bucket.
        assertThat(buckets.take("bob")).isEmpty();
    }

    @Test
    void aSlowRateAsksForALongerWait() {
        TokenBuckets perMinute = new TokenBuckets(1 / 60d, 1, now::get, 100);
        assertThat(perMinute.take("10.0.0.1")).isEmpty();
        OptionalLong wait = perMinute.take("10.0.0.1");
        assertThat(wait).hasValue(60);
        now.addAndGet(30 * SECOND);
        assertThat(perMinute.take("10.0.0.1")).hasValue(30);
        now.addAndGet(30 * SECOND);
        assertThat(perMinute.take("10.0.0.1")).isEmpty();
    }

    @Test
    void tokensNeverAccumulateBeyondTheBurst() {
        TokenBuckets buckets = new TokenBuckets(10, 2, now::get, 100);
        now.addAndGet(3600 * SECOND);
        assertThat(buckets.take("k")).isEmpty();
        assertThat(buckets.take("k")).isEmpty();
        assertThat(buckets.take("k")).isPresent();
    }

    @Test
    void theNumberOfKeysIsBoundedIdleOnesAreDroppedAndWithoutRoomNewKeysAreRefused() {
        TokenBuckets buckets = new TokenBuckets(1, 1, now::get, 2);
        assertThat(buckets.take("a")).isEmpty();
        assertThat(buckets.take("b")).isEmpty();
        // Both buckets are empty (busy): a third key is refused rather than growing the map.
        assertThat(buckets.take("c")).isPresent();
        assertThat(buckets.size()).isEqualTo(2);
        now.addAndGet(2 * SECOND);
        // Both have refilled (idle): they make room.
        assertThat(buckets.take("c")).isEmpty();
        assertThat(buckets.size()).isLessThanOrEqualTo(2);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new TokenBuckets(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBuckets(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

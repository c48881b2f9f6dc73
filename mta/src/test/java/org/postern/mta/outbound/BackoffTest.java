package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMinutes(5), Duration.ofHours(1));

    @Test
    void theWaitDoublesFromTheBaseUpToTheMaximum() {
        assertThat(backoff.after(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(backoff.after(3)).isEqualTo(Duration.ofMinutes(20));
        assertThat(backoff.after(4)).isEqualTo(Duration.ofMinutes(40));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofHours(1));
        assertThat(backoff.after(500)).isEqualTo(Duration.ofHours(1));
        assertThat(backoff.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void nonsenseAttemptCountsGetTheBase() {
        assertThat(backoff.after(0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.after(-3)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theDefaultsGiveUpAfterFiveDaysAndNoticeAfterFourHours() {
        OutboundSettings d = OutboundSettings.defaults("mail.example.test");
        assertThat(d.maxQueueTime()).isEqualTo(Duration.ofDays(5));
        assertThat(d.delayNoticeAfter()).isEqualTo(Duration.ofHours(4));
    }
}

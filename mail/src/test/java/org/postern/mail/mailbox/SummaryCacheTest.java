package org.postern.mail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postern.mail.message.MessageSummary;
import org.postern.model.MessageId;

class SummaryCacheTest {
    private static MessageSummary summary(String subject) {
        return new MessageSummary(null, subject, null, null, null, null, null, null, null, null, List.of(), false);
    }

    @Test
    void aSummaryIsReusedOnlyForTheSameSealedBytes() {
        SummaryCache cache = new SummaryCache(10);
        MessageId id = MessageId.random();
        AtomicInteger opened = new AtomicInteger();
        byte[] sealed = {1, 2, 3};
        assertThat(cache.open(id, sealed, () -> { opened.incrementAndGet(); return summary("a"); }).subject()).isEqualTo("a");
        sealed[0] = 9; // the caller's array is not the cache's
        assertThat(cache.open(id, new byte[] {1, 2, 3}, () -> { opened.incrementAndGet(); return summary("x"); }).subject())
                .isEqualTo("a");
        assertThat(opened).hasValue(1);
        assertThat(cache.open(id, new byte[] {1, 2, 4}, () -> { opened.incrementAndGet(); return summary("b"); }).subject())
                .as("other bytes are opened again").isEqualTo("b");
        assertThat(opened).hasValue(2);
    }

    @Test
    void theOldestEntriesGoBeyondTheBound() {
        SummaryCache cache = new SummaryCache(2);
        MessageId first = MessageId.random();
        AtomicInteger opened = new AtomicInteger();
        byte[] sealed = {1};
        cache.open(first, sealed, () -> { opened.incrementAndGet(); return summary("1"); });
        cache.open(MessageId.random(), sealed, () -> { opened.incrementAndGet(); return summary("2"); });
        cache.open(MessageId.random(), sealed, () -> { opened.incrementAndGet(); return summary("3"); });
        cache.open(first, sealed, () -> { opened.incrementAndGet(); return summary("1 again"); });
        assertThat(opened).hasValue(4);
    }
}

package org.postern.mail.mailbox;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.postern.mail.keys.DataKeys;
import org.postern.mail.message.MessageSummary;
import org.postern.model.MessageId;

/**
 * Recently opened message summaries, shared by the sessions of one server, so that the IMAP
 * clients of one mailbox do not decrypt the same summaries at every ENVELOPE FETCH and header
 * SEARCH. An entry is used only for the exact sealed bytes it was opened from (the caller has
 * just read the row through its own scope, so nothing here widens who sees what), and for at
 * most as long as a data key is cached ({@link DataKeys#CACHE_TIME}), so crypto-shredding a
 * user leaves no readable summary behind for longer than it leaves the key. Bounded in entries.
 */
final class SummaryCache {
    private record Opened(byte[] sealed, MessageSummary summary, long expiresAtNanos) {}

    private final int maxEntries;
    private final long lifeNanos;
    private final LinkedHashMap<MessageId, Opened> entries;

    SummaryCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.lifeNanos = DataKeys.CACHE_TIME.toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<MessageId, Opened> eldest) {
                return size() > SummaryCache.this.maxEntries;
            }
        };
    }

    /** The summary of {@code sealed}, from the cache when it was opened from these very bytes lately. */
    MessageSummary open(MessageId id, byte[] sealed, Supplier<MessageSummary> opener) {
        long now = System.nanoTime();
        synchronized (entries) {
            Opened e = entries.get(id);
            if (e != null && now - e.expiresAtNanos() < 0 && Arrays.equals(e.sealed(), sealed)) {
                return e.summary();
            }
        }
        MessageSummary summary = opener.get();
        synchronized (entries) {
            entries.put(id, new Opened(sealed.clone(), summary, now + lifeNanos));
        }
        return summary;
    }
}

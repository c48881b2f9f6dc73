package org.postern.mta.checks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * Answers of the recursive servers kept for their TTL, so that mail from the same senders does not
 * ask for the same SPF, DMARC and DKIM records again and again. Only usable answers are kept:
 * NOERROR with records (for the smallest TTL among them) and negative answers (NXDOMAIN, or NOERROR
 * without records) that carry an SOA, for the SOA's negative TTL (RFC 2308 §5; a negative answer
 * without an SOA is not cached). Failures (timeouts, SERVFAIL) are never cached, so a failing
 * check still fails closed and is asked again next time. TTLs are clamped to [min, max]; at most
 * {@code maxEntries} answers are kept, the least recently used go first. Thread-safe.
 */
final class DnsCache {

    private record Key(Name name, int type) {
    }

    private record Cached(Message response, long expiresNanos) {
    }

    private final DnsResolver.CacheSettings settings;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<Key, Cached> entries;

    DnsCache(DnsResolver.CacheSettings settings) {
        this(settings, System::nanoTime);
    }

    DnsCache(DnsResolver.CacheSettings settings, LongSupplier nanoTime) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        int max = settings.maxEntries();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > max;
            }
        };
    }

    /** The cached response for this question, or null when there is none still valid. */
    Message get(Name name, int type) {
        if (settings.maxEntries() == 0) {
            return null;
        }
        Key key = new Key(name, type);
        synchronized (entries) {
            Cached e = entries.get(key);
            if (e == null) {
                return null;
            }
            if (nanoTime.getAsLong() - e.expiresNanos() >= 0) {
                entries.remove(key);
                return null;
            }
            return e.response();
        }
    }

    /**
     * Keeps a response that answered this question (the caller checked that), if it may be cached.
     * The response must not be changed afterwards: readers share it.
     */
    void put(Name name, int type, Message response) {
        if (settings.maxEntries() == 0) {
            return;
        }
        long ttl = ttlSeconds(response, name, type);
        if (ttl < 0) {
            return;
        }
        long seconds = Math.max(settings.minTtl().toSeconds(), Math.min(settings.maxTtl().toSeconds(), ttl));
        if (seconds <= 0) {
            return;
        }
        Cached entry = new Cached(response, nanoTime.getAsLong() + Duration.ofSeconds(seconds).toNanos());
        synchronized (entries) {
            entries.put(new Key(name, type), entry);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /**
     * How long a response may be kept in seconds, or -1 when it may not: the smallest TTL of the
     * answer section when it has records; for a negative answer, the SOA's TTL or its minimum
     * field, whichever is smaller.
     */
    static long ttlSeconds(Message response, Name name, int type) {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return -1;
        }
        if (response.getHeader().getFlag(org.xbill.DNS.Flags.TC)) {
            return -1;
        }
        long min = Long.MAX_VALUE;
        if (rcode == Rcode.NOERROR) {
            for (Record r : response.getSection(Section.ANSWER)) {
                min = Math.min(min, r.getTTL());
            }
            if (min != Long.MAX_VALUE) {
                return min;
            }
        }
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                min = Math.min(min, Math.min(soa.getTTL(), soa.getMinimum()));
            }
        }
        return min == Long.MAX_VALUE ? -1 : min;
    }
}

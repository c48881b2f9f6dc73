package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.DnsAnswer.Status;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The answer cache against a real dnsmasq: what is kept, for how long, and what never is. */
class DnsCacheTest {

    private static DnsResolver.Settings settings(LoopbackDns dns) {
        return DnsResolver.Settings.defaults(List.of(dns.address()))
                .withQueryTimeout(Duration.ofMillis(300))
                .withCheckBudget(Duration.ofSeconds(2));
    }

    @Test
    void answersAreKeptForTheirTtlAndAskedAgainAfter() throws Exception {
        AtomicLong now = new AtomicLong(0);
        try (LoopbackDns dns = LoopbackDns.zone().ttl(300).txt("spf.cache.test", "v=spf1 -all").start()) {
            DnsResolver resolver = DnsResolver.create(settings(dns),
                    new DnsCache(DnsResolver.CacheSettings.defaults(), now::get));
            DnsSession first = resolver.newSession();
            assertThat(first.txt("spf.cache.test").values()).containsExactly("v=spf1 -all");
            assertThat(first.queriesSent()).isEqualTo(1);

            now.addAndGet(Duration.ofSeconds(299).toNanos());
            DnsSession second = resolver.newSession();
            assertThat(second.txt("spf.cache.test").values()).containsExactly("v=spf1 -all");
            assertThat(second.queriesSent()).isZero();

            now.addAndGet(Duration.ofSeconds(2).toNanos());
            DnsSession third = resolver.newSession();
            assertThat(third.txt("spf.cache.test").values()).containsExactly("v=spf1 -all");
            assertThat(third.queriesSent()).isEqualTo(1);
        }
    }

    @Test
    void aZeroTtlIsNotKeptUnlessTheMinimumRaisesIt() throws Exception {
        try (LoopbackDns dns = LoopbackDns.zone().txt("zero.cache.test", "v=spf1 -all").start()) {
            DnsResolver plain = DnsResolver.create(settings(dns));
            plain.newSession().txt("zero.cache.test");
            DnsSession again = plain.newSession();
            assertThat(again.txt("zero.cache.test").status()).isEqualTo(Status.OK);
            assertThat(again.queriesSent()).isEqualTo(1);

            DnsResolver clamped = DnsResolver.create(settings(dns),
                    new DnsResolver.CacheSettings(100, Duration.ofSeconds(5), Duration.ofHours(1)));
            clamped.newSession().txt("zero.cache.test");
            DnsSession cached = clamped.newSession();
            assertThat(cached.txt("zero.cache.test").status()).isEqualTo(Status.OK);
            assertThat(cached.queriesSent()).isZero();
        }
    }

    @Test
    void theMaximumTtlBoundsHowLongAnAnswerIsKept() throws Exception {
        AtomicLong now = new AtomicLong(0);
        try (LoopbackDns dns = LoopbackDns.zone().ttl(86_400).txt("long.cache.test", "v=spf1 -all").start()) {
            DnsResolver resolver = DnsResolver.create(settings(dns), new DnsCache(
                    new DnsResolver.CacheSettings(100, Duration.ZERO, Duration.ofSeconds(10)), now::get));
            resolver.newSession().txt("long.cache.test");
            now.addAndGet(Duration.ofSeconds(11).toNanos());
            DnsSession later = resolver.newSession();
            later.txt("long.cache.test");
            assertThat(later.queriesSent()).isEqualTo(1);
        }
    }

    @Test
    void failuresAreNeverKeptSoTheCheckStillFailsClosed() throws Exception {
        DnsResolver resolver;
        try (LoopbackDns dns = LoopbackDns.zone().ttl(300).txt("kept.cache.test", "v=spf1 -all").down("down.test")
                .start()) {
            resolver = DnsResolver.create(settings(dns));
            assertThat(resolver.newSession().txt("kept.cache.test").status()).isEqualTo(Status.OK);
            assertThat(resolver.newSession().txt("x.down.test").status()).isEqualTo(Status.TEMPFAIL);
        }
        // The server is gone: what was kept is still answered, everything else is a temporary failure.
        assertThat(resolver.newSession().txt("kept.cache.test").values()).containsExactly("v=spf1 -all");
        assertThat(resolver.newSession().txt("x.down.test").status()).isEqualTo(Status.TEMPFAIL);
        assertThat(resolver.newSession().txt("other.cache.test").status()).isEqualTo(Status.TEMPFAIL);
        assertThat(resolver.cache().size()).isEqualTo(1);
    }

    @Test
    void theCacheHoldsAtMostItsMaximumAndCanBeTurnedOff() throws Exception {
        try (LoopbackDns dns = LoopbackDns.zone().ttl(300)
                .txt("a.cache.test", "a").txt("b.cache.test", "b").txt("c.cache.test", "c").start()) {
            DnsResolver two = DnsResolver.create(settings(dns),
                    new DnsResolver.CacheSettings(2, Duration.ZERO, Duration.ofHours(1)));
            for (String name : List.of("a", "b", "c")) {
                assertThat(two.newSession().txt(name + ".cache.test").values()).containsExactly(name);
            }
            assertThat(two.cache().size()).isEqualTo(2);
            DnsSession oldest = two.newSession();
            oldest.txt("a.cache.test");
            assertThat(oldest.queriesSent()).isEqualTo(1);

            DnsResolver off = DnsResolver.create(settings(dns), DnsResolver.CacheSettings.off());
            off.newSession().txt("a.cache.test");
            DnsSession again = off.newSession();
            again.txt("a.cache.test");
            assertThat(again.queriesSent()).isEqualTo(1);
            assertThat(off.cache().size()).isZero();
        }
    }

    @Test
    void negativeAnswersAreKeptOnlyWithAnSoa() throws Exception {
        try (LoopbackDns dns = LoopbackDns.zone().ttl(300).txt("here.cache.test", "x").start()) {
            DnsResolver resolver = DnsResolver.create(settings(dns));
            DnsSession first = resolver.newSession();
            assertThat(first.txt("missing.cache.test").status()).isEqualTo(Status.NXDOMAIN);
            DnsSession second = resolver.newSession();
            assertThat(second.txt("missing.cache.test").status()).isEqualTo(Status.NXDOMAIN);
            // dnsmasq answers names of a --local domain without an SOA: RFC 2308 says not to keep those.
            assertThat(second.queriesSent()).isEqualTo(1);
        }
    }

    @Test
    void theTtlOfAnAnswerIsItsSmallestRecordTtlAndOfANegativeAnswerTheSoas() throws Exception {
        Name name = Name.fromString("x.cache.test.");
        Message positive = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
        positive.getHeader().setRcode(Rcode.NOERROR);
        positive.addRecord(new TXTRecord(name, DClass.IN, 600, "a"), Section.ANSWER);
        positive.addRecord(new TXTRecord(name, DClass.IN, 120, "b"), Section.ANSWER);
        assertThat(DnsCache.ttlSeconds(positive, name, Type.TXT)).isEqualTo(120);

        Name zone = Name.fromString("cache.test.");
        SOARecord soa = new SOARecord(zone, DClass.IN, 900, Name.fromString("ns.cache.test."),
                Name.fromString("hostmaster.cache.test."), 1, 3600, 600, 86400, 60);
        Message negative = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
        negative.getHeader().setRcode(Rcode.NXDOMAIN);
        negative.addRecord(soa, Section.AUTHORITY);
        assertThat(DnsCache.ttlSeconds(negative, name, Type.TXT)).isEqualTo(60);

        Message noSoa = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
        noSoa.getHeader().setRcode(Rcode.NXDOMAIN);
        assertThat(DnsCache.ttlSeconds(noSoa, name, Type.TXT)).isEqualTo(-1);

        Message servfail = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
        servfail.getHeader().setRcode(Rcode.SERVFAIL);
        servfail.addRecord(soa, Section.AUTHORITY);
        assertThat(DnsCache.ttlSeconds(servfail, name, Type.TXT)).isEqualTo(-1);
    }
}

package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.DnsAnswer.Status;

class DnsResolverTest {
    private static final String LONG = "x".repeat(1500);
    private static LoopbackDns dns;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone()
                .txt("short.resolver.test", "v=spf1 -all")
                .txt("long.resolver.test", LONG)
                .txt("two.resolver.test", "first")
                .txt("two.resolver.test", "second")
                .a("host.resolver.test", "192.0.2.5")
                .mx("resolver.test", "host.resolver.test", 10)
                .cname("alias.resolver.test", "host.resolver.test")
                .down("down.test")
                .start();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void txtRecordsAreReturnedAsText() {
        DnsSession s = dns.resolver().newSession();
        assertThat(s.txt("short.resolver.test")).isEqualTo(new DnsAnswer(Status.OK, List.of("v=spf1 -all")));
        assertThat(s.txt("two.resolver.test").values()).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void longTxtRecordsAreJoinedAcrossStringsAndTcpFallback() {
        DnsAnswer answer = dns.resolver().newSession().txt("long.resolver.test");
        assertThat(answer.status()).isEqualTo(Status.OK);
        assertThat(answer.values()).containsExactly(LONG);
    }

    @Test
    void addressAndMxLookupsWork() {
        DnsSession s = dns.resolver().newSession();
        assertThat(s.a("host.resolver.test").values()).containsExactly("192.0.2.5");
        assertThat(s.mx("resolver.test").values()).containsExactly("host.resolver.test");
    }

    @Test
    void aCnameIsReturnedAsItsTargetWithoutFollowingIt() {
        DnsSession s = dns.resolver().newSession();
        assertThat(s.cname("alias.resolver.test")).isEqualTo(new DnsAnswer(Status.OK, List.of("host.resolver.test")));
        assertThat(s.cname("host.resolver.test").status()).isEqualTo(Status.NODATA);
        assertThat(s.cname("nothing.resolver.test").status()).isEqualTo(Status.NXDOMAIN);
        // Other lookups still follow it.
        assertThat(s.a("alias.resolver.test").values()).containsExactly("192.0.2.5");
    }

    @Test
    void missingNamesAndTypesAreTold() {
        DnsSession s = dns.resolver().newSession();
        assertThat(s.txt("nothing.resolver.test").status()).isEqualTo(Status.NXDOMAIN);
        assertThat(s.a("short.resolver.test").status()).isEqualTo(Status.NODATA);
        assertThat(s.txt("nothing.resolver.test").isEmpty()).isTrue();
    }

    @Test
    void oversizeAnswersAreInvalid() {
        DnsResolver small = DnsResolver.create(new DnsResolver.Settings(List.of(dns.address()),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 10, 64, 1000));
        assertThat(small.newSession().txt("long.resolver.test").status()).isEqualTo(Status.INVALID);
        DnsResolver fewRecords = DnsResolver.create(new DnsResolver.Settings(List.of(dns.address()),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 10, 1, 8192));
        assertThat(fewRecords.newSession().txt("two.resolver.test").status()).isEqualTo(Status.INVALID);
    }

    @Test
    void invalidNamesAreRefusedWithoutAQuery() {
        DnsSession s = dns.resolver().newSession();
        assertThat(s.txt("a".repeat(64) + ".resolver.test").status()).isEqualTo(Status.INVALID);
        assertThat(s.txt("").status()).isEqualTo(Status.INVALID);
        assertThat(s.queriesSent()).isZero();
    }

    @Test
    void aDeadServerIsATemporaryFailureWithinTheTimeout() {
        long start = System.nanoTime();
        DnsSession s = LoopbackDns.deadResolver().newSession();
        assertThat(s.txt("short.resolver.test").status()).isEqualTo(Status.TEMPFAIL);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aSilentAuthoritativeServerIsATemporaryFailure() {
        assertThat(dns.resolver().newSession().txt("x.down.test").status()).isEqualTo(Status.TEMPFAIL);
    }

    @Test
    void theQueryBudgetOfASessionIsEnforced() {
        DnsResolver r = DnsResolver.create(DnsResolver.Settings.defaults(List.of(dns.address()))
                .withMaxQueriesPerCheck(2));
        DnsSession s = r.newSession();
        assertThat(s.txt("short.resolver.test").status()).isEqualTo(Status.OK);
        assertThat(s.txt("short.resolver.test").status()).isEqualTo(Status.OK);
        assertThat(s.txt("short.resolver.test").status()).isEqualTo(Status.TEMPFAIL);
        assertThat(s.budgetSpent()).isTrue();
        assertThat(r.newSession().txt("short.resolver.test").status()).isEqualTo(Status.OK);
    }

    @Test
    void theTimeBudgetOfASessionIsEnforced() {
        DnsResolver r = DnsResolver.create(DnsResolver.Settings.defaults(List.of(dns.address()))
                .withQueryTimeout(Duration.ofMillis(400)).withCheckBudget(Duration.ofMillis(600)));
        DnsSession s = r.newSession();
        long start = System.nanoTime();
        assertThat(s.txt("a.down.test").status()).isEqualTo(Status.TEMPFAIL);
        assertThat(s.txt("b.down.test").status()).isEqualTo(Status.TEMPFAIL);
        assertThat(s.txt("short.resolver.test").status()).isEqualTo(Status.TEMPFAIL);
        assertThat(s.budgetSpent()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void aLaterServerAnswersWhenTheFirstIsDead() {
        InetSocketAddress dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), LoopbackDns.deadPort());
        DnsResolver r = DnsResolver.create(DnsResolver.Settings.defaults(List.of(dead, dns.address()))
                .withQueryTimeout(Duration.ofMillis(300)));
        assertThat(r.newSession().txt("short.resolver.test").status()).isEqualTo(Status.OK);
    }

    @Test
    void serverListsParseIpLiteralsWithPorts() {
        assertThat(DnsResolver.parseServers("127.0.0.1:5353, [::1]:53 192.0.2.1 2001:db8::1"))
                .containsExactly(
                        new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 5353),
                        new InetSocketAddress(InetAddress.ofLiteral("::1"), 53),
                        new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 53),
                        new InetSocketAddress(InetAddress.ofLiteral("2001:db8::1"), 53));
    }

    @Test
    void serverListsRefuseNamesAndBadPorts() {
        assertThatThrownBy(() -> DnsResolver.parseServers("dns.example.com:53"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsResolver.parseServers("127.0.0.1:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsResolver.parseServers("127.0.0.1:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsResolver.parseServers(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsResolver.parseServers("[::1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBlankSpecMeansTheSystemResolvers() {
        assertThat(DnsResolver.fromSpec(" ").settings().servers()).isNotEmpty();
        assertThat(DnsResolver.fromSpec("127.0.0.1:5353").settings().servers())
                .containsExactly(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5353));
    }
}

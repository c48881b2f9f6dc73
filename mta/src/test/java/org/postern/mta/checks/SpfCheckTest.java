package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.SpfResult.Identity;
import org.postern.mta.checks.SpfResult.Status;

class SpfCheckTest {
    private static final InetAddress ALLOWED = InetAddress.ofLiteral("192.0.2.10");
    private static final InetAddress OTHER = InetAddress.ofLiteral("203.0.113.9");
    private static LoopbackDns dns;
    private static SpfCheck spf;

    @BeforeAll
    static void start() throws Exception {
        LoopbackDns.Zone zone = LoopbackDns.zone()
                .txt("pass.test", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("soft.test", "v=spf1 ip4:198.51.100.1 ~all")
                .txt("neutral.test", "v=spf1 ?all")
                .txt("nospf.test", "hello world")
                .txt("syntax.test", "v=spf1 ip4:not-an-address -all")
                .txt("twice.test", "v=spf1 -all")
                .txt("twice.test", "v=spf1 +all")
                .txt("mx.test", "v=spf1 mx -all")
                .mx("mx.test", "mail.mx.test", 10)
                .a("mail.mx.test", "192.0.2.77")
                .txt("helo.test", "v=spf1 -all")
                .txt("mail.helo.test", "v=spf1 ip4:192.0.2.10 -all")
                .txt("void.test", "v=spf1 a:v1.test a:v2.test a:v3.test ip4:192.0.2.10 -all")
                .txt("downinclude.test", "v=spf1 include:spf.down.test -all")
                .txt("redirect.test", "v=spf1 redirect=pass.test")
                .txt("manymx.test", "v=spf1 mx -all")
                .down("down.test");
        for (int i = 1; i <= 11; i++) {
            zone.mx("manymx.test", "mx" + i + ".manymx.test", i);
        }
        String includes = IntStream.rangeClosed(1, 11).mapToObj(i -> "include:l" + i + ".test")
                .collect(Collectors.joining(" "));
        zone.txt("loop.test", "v=spf1 " + includes + " ip4:192.0.2.10 -all");
        for (int i = 1; i <= 11; i++) {
            zone.txt("l" + i + ".test", "v=spf1 ip4:198.51.100." + i + " -all");
        }
        dns = zone.start();
        spf = new SpfCheck(dns.resolver());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void oneEngineServesConcurrentChecksEachWithItsOwnDns() throws Exception {
        // The jSPF engine is shared; each check must still see only its own DNS session and limits.
        DnsResolver dead = LoopbackDns.deadResolver();
        SpfCheck broken = new SpfCheck(dead);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var results = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
            for (int i = 0; i < 60; i++) {
                int n = i;
                results.add(pool.submit(() -> switch (n % 4) {
                    case 0 -> spf.check(ALLOWED, "h.test", "a@pass.test").status() == Status.PASS;
                    case 1 -> spf.check(OTHER, "h.test", "a@pass.test").status() == Status.FAIL;
                    case 2 -> spf.check(ALLOWED, "h.test", "a@void.test").status() == Status.PERMERROR;
                    default -> broken.check(ALLOWED, "h.test", "a@pass.test").status() == Status.TEMPERROR;
                }));
            }
            for (var r : results) {
                assertThat(r.get()).isTrue();
            }
        }
    }

    @Test
    void anAuthorisedAddressPasses() {
        SpfResult r = spf.check(ALLOWED, "mx.client.test", "alice@pass.test");
        assertThat(r.status()).isEqualTo(Status.PASS);
        assertThat(r.identity()).isEqualTo(Identity.MAILFROM);
        assertThat(r.domain().orElseThrow().ascii()).isEqualTo("pass.test");
    }

    @Test
    void anUnauthorisedAddressFailsWithoutExplanation() {
        SpfResult r = spf.check(OTHER, "mx.client.test", "alice@pass.test");
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEmpty();
    }

    @Test
    void tildeAllIsASoftfail() {
        assertThat(spf.check(OTHER, "h.test", "bob@soft.test").status()).isEqualTo(Status.SOFTFAIL);
    }

    @Test
    void questionMarkAllIsNeutral() {
        assertThat(spf.check(OTHER, "h.test", "bob@neutral.test").status()).isEqualTo(Status.NEUTRAL);
    }

    @Test
    void aDomainWithoutSpfRecordIsNone() {
        assertThat(spf.check(OTHER, "h.test", "bob@nospf.test").status()).isEqualTo(Status.NONE);
        assertThat(spf.check(OTHER, "h.test", "bob@nonexistent.test").status()).isEqualTo(Status.NONE);
    }

    @Test
    void aMalformedOrSingleLabelDomainIsNone() {
        assertThat(spf.check(OTHER, "h.test", "bob@localhost").status()).isEqualTo(Status.NONE);
        assertThat(spf.check(OTHER, "h.test", "bob@exa mple.test").status()).isEqualTo(Status.NONE);
        assertThat(spf.check(OTHER, "[192.0.2.1]", null).status()).isEqualTo(Status.NONE);
    }

    @Test
    void moreThanTenLookupsIsAPermerror() {
        assertThat(spf.check(ALLOWED, "h.test", "bob@loop.test").status()).isEqualTo(Status.PERMERROR);
    }

    @Test
    void moreThanTwoVoidLookupsIsAPermerror() {
        SpfResult r = spf.check(ALLOWED, "h.test", "bob@void.test");
        assertThat(r.status()).isEqualTo(Status.PERMERROR);
        assertThat(r.reason()).contains("void");
    }

    @Test
    void aSyntaxErrorOrTwoRecordsIsAPermerror() {
        assertThat(spf.check(ALLOWED, "h.test", "bob@syntax.test").status()).isEqualTo(Status.PERMERROR);
        assertThat(spf.check(ALLOWED, "h.test", "bob@twice.test").status()).isEqualTo(Status.PERMERROR);
    }

    @Test
    void theMxMechanismResolvesTheExchangers() {
        assertThat(spf.check(InetAddress.ofLiteral("192.0.2.77"), "h.test", "bob@mx.test").status())
                .isEqualTo(Status.PASS);
        assertThat(spf.check(OTHER, "h.test", "bob@mx.test").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void moreThanTenMxHostsIsAPermerror() {
        SpfResult r = spf.check(ALLOWED, "h.test", "bob@manymx.test");
        assertThat(r.status()).isEqualTo(Status.PERMERROR);
        assertThat(r.reason()).contains("MX");
    }

    @Test
    void redirectFollowsTheOtherRecord() {
        assertThat(spf.check(ALLOWED, "h.test", "bob@redirect.test").status()).isEqualTo(Status.PASS);
    }

    @Test
    void theNullReversePathChecksTheHeloIdentity() {
        SpfResult pass = spf.check(ALLOWED, "mail.helo.test", "");
        assertThat(pass.status()).isEqualTo(Status.PASS);
        assertThat(pass.identity()).isEqualTo(Identity.HELO);
        assertThat(pass.domain().orElseThrow().ascii()).isEqualTo("mail.helo.test");
        assertThat(spf.check(OTHER, "mail.helo.test", null).status()).isEqualTo(Status.FAIL);
        assertThat(spf.check(OTHER, "mail.helo.test", "<>").identity()).isEqualTo(Identity.HELO);
        assertThat(spf.checkHelo(ALLOWED, "mail.helo.test").status()).isEqualTo(Status.PASS);
    }

    @Test
    void anIpv6ClientIsCheckedAgainstIpv6Mechanisms() {
        assertThat(spf.check(InetAddress.ofLiteral("2001:db8::1"), "h.test", "bob@pass.test").status())
                .isEqualTo(Status.FAIL);
    }

    @Test
    void aDeadDnsServerIsATemperror() {
        SpfResult r = new SpfCheck(LoopbackDns.deadResolver()).check(ALLOWED, "h.test", "alice@pass.test");
        assertThat(r.status()).isEqualTo(Status.TEMPERROR);
    }

    @Test
    void anIncludeWhoseServerTimesOutIsATemperror() {
        assertThat(spf.check(ALLOWED, "h.test", "bob@downinclude.test").status()).isEqualTo(Status.TEMPERROR);
    }
}

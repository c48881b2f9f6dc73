package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.checks.LoopbackDns;

/** Next hops from real DNS answers (dnsmasq on loopback). No connection is made. */
class RouteResolverTest {
    static LoopbackDns dns;
    static DnsResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone()
                .mx("mx.test", "b.mx.test", 20).mx("mx.test", "a.mx.test", 10)
                .a("a.mx.test", "192.0.2.1").a("b.mx.test", "192.0.2.2")
                .a("nomx.test", "192.0.2.3")
                .mx("loop.test", "self.loop.test", 10).a("self.loop.test", "127.0.0.1")
                .mx("dangling.test", "nowhere.dangling.test", 10)
                .a("relay.host.test", "192.0.2.9")
                .mx("nullmx.test", ".", 0)
                .down("slow.test")
                .start();
        resolver = DnsResolver.create(DnsResolver.Settings.defaults(List.of(dns.address()))
                .withQueryTimeout(Duration.ofMillis(500)).withCheckBudget(Duration.ofSeconds(3)));
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private static List<String> hops(Route r) {
        assertThat(r).isInstanceOf(Route.Hops.class);
        return ((Route.Hops) r).hops().stream()
                .map(h -> h.host() + "@" + h.address().getAddress().getHostAddress() + ":" + h.address().getPort()).toList();
    }

    @Test
    void mxHostsAreTriedInPreferenceOrderOnPort25() {
        assertThat(hops(new RouteResolver(resolver, Map.of()).resolve("mx.test")))
                .containsExactly("a.mx.test@192.0.2.1:25", "b.mx.test@192.0.2.2:25");
    }

    @Test
    void aDomainWithoutMxFallsBackToItsOwnAddress() {
        assertThat(hops(new RouteResolver(resolver, Map.of()).resolve("nomx.test"))).containsExactly("nomx.test@192.0.2.3:25");
    }

    @Test
    void aMissingDomainOrOneWithoutAnyAddressIsUndeliverable() {
        RouteResolver r = new RouteResolver(resolver, Map.of());
        assertThat(r.resolve("missing.test")).isInstanceOf(Route.Undeliverable.class);
        assertThat(r.resolve("dangling.test")).isInstanceOf(Route.Undeliverable.class);
    }

    @Test
    void aNullMxMeansTheDomainAcceptsNoMail() {
        Route r = new RouteResolver(resolver, Map.of()).resolve("nullmx.test");
        assertThat(r).isInstanceOf(Route.Undeliverable.class);
        assertThat(((Route.Undeliverable) r).reason()).contains("null MX");
    }

    @Test
    void anMxPointingAtLoopbackIsNeverUsed() {
        assertThat(new RouteResolver(resolver, Map.of()).resolve("loop.test")).isInstanceOf(Route.Undeliverable.class);
    }

    @Test
    void aDnsThatDoesNotAnswerMeansTryLater() {
        assertThat(new RouteResolver(resolver, Map.of()).resolve("slow.test")).isInstanceOf(Route.TryLater.class);
    }

    @Test
    void overridesComeFirstThenTheRelayThenMx() {
        RouteResolver r = new RouteResolver(resolver, Map.of("mx.test", new NextHop("127.0.0.1", 10025)),
                Optional.of(new NextHop("relay.host.test", 587)));
        // The operator's override may name loopback: that is its purpose.
        assertThat(hops(r.resolve("mx.test"))).containsExactly("127.0.0.1@127.0.0.1:10025");
        assertThat(hops(r.resolve("nomx.test"))).containsExactly("relay.host.test@192.0.2.9:587");
        assertThat(((Route.Hops) r.resolve("anything.test")).hops().getFirst().address())
                .isEqualTo(new InetSocketAddress("192.0.2.9", 587));
    }
}

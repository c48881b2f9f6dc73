package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NextHopTest {

    @Test
    void theTransportMapReadsHostsAndBracketedIpv6() {
        var map = NextHop.parseTransport("example.net=127.0.0.1:10025,Other.Test=[::1]:2525, third.test = relay.example:587");
        assertThat(map).containsEntry("example.net", new NextHop("127.0.0.1", 10025))
                .containsEntry("other.test", new NextHop("::1", 2525))
                .containsEntry("third.test", new NextHop("relay.example", 587));
        assertThat(map.get("other.test").toString()).isEqualTo("[::1]:2525");
        assertThat(NextHop.parseTransport("")).isEmpty();
    }

    @Test
    void malformedEntriesAreRefused() {
        for (String bad : new String[] {"example.net", "example.net=", "example.net=host", "example.net=host:0",
                "example.net=host:70000", "example.net=::1:25", "example.net=[::1]25", "=host:25", "bad domain=h:25",
                "a.test=h:25,a.test=h:26", "a.test=h/x:25"}) {
            assertThatThrownBy(() -> NextHop.parseTransport(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

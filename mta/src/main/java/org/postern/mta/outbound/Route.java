package org.postern.mta.outbound;

import java.net.InetSocketAddress;
import java.util.List;

/** Where mail for one destination domain goes, or why it cannot go anywhere now or ever. */
sealed interface Route {

    /**
     * One address to try, with the host name it belongs to (for TLS checks and logs), and the DANE
     * policy when DNSSEC-authenticated TLSA records apply to it (RFC 7672).
     */
    record Hop(String host, InetSocketAddress address, java.util.Optional<DanePolicy> dane) {
        Hop(String host, InetSocketAddress address) {
            this(host, address, java.util.Optional.empty());
        }
    }

    /** Addresses to try in order. */
    record Hops(List<Hop> hops) implements Route {
        public Hops {
            hops = List.copyOf(hops);
        }
    }

    /** The domain accepts no mail (null MX, no such domain, no address): the sender gets a DSN. */
    record Undeliverable(String reason) implements Route {}

    /** DNS did not answer usefully: try again later. */
    record TryLater(String reason) implements Route {}
}

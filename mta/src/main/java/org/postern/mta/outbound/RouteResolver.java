package org.postern.mta.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postern.mta.checks.DnsAnswer;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.checks.DnsSession;

/**
 * Finds the next hops for a destination domain: the routing override first (as Postfix's
 * transport maps), else MX records in preference order (RFC 5321 §5.1), else the domain's own
 * A/AAAA records when it has no MX. A null MX (RFC 7505) or a domain that does not exist is
 * undeliverable. Every lookup goes through the bounded resolver on {@code dns_servers}.
 * Addresses found in DNS that are loopback, link-local or unspecified are skipped: a remote
 * domain's DNS must not make us connect to ourselves.
 *
 * <p>DANE (RFC 7672 §2.2): when {@code dane} is on and the MX lookup (or, without MX, the
 * domain's own address lookup) and the MX host's address lookup are DNSSEC-authenticated (the
 * resolver's AD bit), the host's {@code _25._tcp} TLSA records are looked up; authenticated
 * records make its hops carry a {@link DanePolicy}. A TLSA lookup that fails for such a host
 * leaves the host out (a downgrade could hide behind the failure); when no host is left the
 * destination is tried later. Routing overrides and the smarthost never get DANE: they are the
 * operator's word.
 */
final class RouteResolver {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RouteResolver.class);
    static final int SMTP_PORT = 25;
    private static final int MAX_MX = 10;
    private static final int MAX_HOPS = 20;

    private final DnsResolver dns;
    private final Map<String, NextHop> transport;
    private final java.util.Optional<NextHop> relay;
    private final boolean dane;
    private final int mxPort;

    RouteResolver(DnsResolver dns, Map<String, NextHop> transport) {
        this(dns, transport, java.util.Optional.empty());
    }

    /** @param relay the smarthost, used for every domain without an override */
    RouteResolver(DnsResolver dns, Map<String, NextHop> transport, java.util.Optional<NextHop> relay) {
        this(dns, transport, relay, false, SMTP_PORT);
    }

    /**
     * @param dane whether DNSSEC-authenticated TLSA records are looked up and honoured
     * @param mxPort the port of hosts found by MX or address lookup (25; another only for test deployments)
     */
    RouteResolver(DnsResolver dns, Map<String, NextHop> transport, java.util.Optional<NextHop> relay, boolean dane,
            int mxPort) {
        this.dns = dns;
        this.transport = Map.copyOf(transport);
        this.relay = relay;
        this.dane = dane;
        this.mxPort = mxPort;
    }

    Route resolve(String domain) {
        NextHop override = transport.get(domain);
        DnsSession session = dns.newSession();
        if (override != null) {
            return overrideHops(override, session);
        }
        if (relay.isPresent()) {
            return overrideHops(relay.get(), session);
        }
        DnsAnswer mx = session.mx(domain);
        return switch (mx.status()) {
            case OK -> {
                List<String> hosts = mx.values();
                if (hosts.size() == 1 && (hosts.getFirst().isEmpty() || hosts.getFirst().equals("."))) {
                    yield new Route.Undeliverable("the domain accepts no mail (null MX)");
                }
                List<Route.Hop> hops = new ArrayList<>();
                boolean tempFailure = false;
                for (String host : hosts.subList(0, Math.min(MAX_MX, hosts.size()))) {
                    if (host.isEmpty() || host.equals(".")) {
                        continue;
                    }
                    tempFailure |= addHost(session, host, List.of(host, domain), mx.authenticated(), hops);
                }
                if (hops.isEmpty()) {
                    yield tempFailure ? new Route.TryLater("MX host addresses did not resolve")
                            : new Route.Undeliverable("no usable address for the domain's MX hosts");
                }
                yield new Route.Hops(hops);
            }
            case NXDOMAIN -> new Route.Undeliverable("the domain does not exist");
            case NODATA -> {
                List<Route.Hop> hops = new ArrayList<>();
                boolean temp = addHost(session, domain, List.of(domain), mx.authenticated(), hops);
                if (hops.isEmpty()) {
                    yield temp ? new Route.TryLater("address lookup failed")
                            : new Route.Undeliverable("the domain has no MX and no address");
                }
                yield new Route.Hops(hops);
            }
            case TEMPFAIL, INVALID -> new Route.TryLater("MX lookup failed");
        };
    }

    private Route overrideHops(NextHop hop, DnsSession session) {
        InetAddress literal = literal(hop.host());
        if (literal != null) {
            return new Route.Hops(List.of(new Route.Hop(hop.host(), new InetSocketAddress(literal, hop.port()))));
        }
        List<Route.Hop> hops = new ArrayList<>();
        // An operator's override may name a host on loopback or the LAN: that is its purpose.
        for (DnsAnswer a : List.of(session.a(hop.host()), session.aaaa(hop.host()))) {
            if (a.status() == DnsAnswer.Status.OK) {
                for (String v : a.values()) {
                    InetAddress addr = literal(v);
                    if (addr != null) {
                        hops.add(new Route.Hop(hop.host(), new InetSocketAddress(addr, hop.port())));
                    }
                }
            }
        }
        return hops.isEmpty() ? new Route.TryLater("routing override host did not resolve") : new Route.Hops(hops);
    }

    /**
     * Adds the hops of one host found in DNS, with its DANE policy when one applies.
     * @param names the DANE-TA reference identifiers: the host, then the destination domain
     * @param securelyNamed the MX (or address-fallback) lookup that named the host was authenticated
     * @return true when a lookup failed temporarily
     */
    private boolean addHost(DnsSession session, String host, List<String> names, boolean securelyNamed,
            List<Route.Hop> hops) {
        boolean temp = false;
        boolean secure = true;
        List<InetAddress> addresses = new ArrayList<>();
        for (DnsAnswer a : List.of(session.a(host), session.aaaa(host))) {
            if (a.status() == DnsAnswer.Status.OK) {
                secure &= a.authenticated();
                for (String v : a.values()) {
                    InetAddress addr = literal(v);
                    if (addr != null && !addr.isLoopbackAddress() && !addr.isAnyLocalAddress()
                            && !addr.isLinkLocalAddress() && !addr.isMulticastAddress()) {
                        addresses.add(addr);
                    }
                }
            } else if (a.status() == DnsAnswer.Status.TEMPFAIL || a.status() == DnsAnswer.Status.INVALID) {
                temp = true;
            } else {
                secure &= a.authenticated();
            }
        }
        if (addresses.isEmpty()) {
            return temp;
        }
        java.util.Optional<DanePolicy> policy = java.util.Optional.empty();
        if (dane && securelyNamed && secure) {
            // RFC 7672 §2.2: the TLSA records of the port actually connected to.
            DnsAnswer tlsa = session.tlsa("_" + mxPort + "._tcp." + host);
            switch (tlsa.status()) {
                case OK -> {
                    if (tlsa.authenticated()) {
                        policy = java.util.Optional.of(DanePolicy.of(tlsa.values(), names));
                    }
                }
                case NXDOMAIN, NODATA -> {
                    // no TLSA records: DANE does not apply to this host
                }
                case TEMPFAIL, INVALID -> {
                    LOG.warn("event=outbound.dane_lookup_failed host={} status={}", host, tlsa.status());
                    return true;
                }
            }
        }
        for (InetAddress addr : addresses) {
            if (hops.size() < MAX_HOPS) {
                hops.add(new Route.Hop(host, new InetSocketAddress(addr, mxPort), policy));
            }
        }
        return temp;
    }

    /** An IP literal as an address, without any DNS lookup; null for a host name. */
    static InetAddress literal(String text) {
        boolean v4 = text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

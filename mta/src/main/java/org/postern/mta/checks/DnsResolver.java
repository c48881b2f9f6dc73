package org.postern.mta.checks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

/**
 * The DNS client of the sender checks: dnsjava {@link SimpleResolver}s for a fixed list of
 * recursive servers, asked in order, with a per-query timeout. Each check takes a {@link
 * DnsSession} from {@link #newSession()}, which adds the total time budget and the query count of
 * that one check. Usable answers are kept for their TTL in a bounded {@link DnsCache}, shared by
 * all checks; failures are never kept.
 *
 * <p>Servers are IP literals (a resolver cannot need DNS to find its DNS); the deployment passes
 * them in {@code POSTERN_DNS_SERVERS} as {@code host:port} items, see {@link #parseServers}.
 */
public final class DnsResolver {

    /**
     * Limits of the resolver.
     *
     * @param servers recursive servers asked in order (1 to 8)
     * @param queryTimeout how long one query to one server may take
     * @param checkBudget how long all queries of one session (one check) may take together
     * @param maxQueriesPerCheck how many queries (server attempts included) one session may send
     * @param maxAnswerRecords how many records of the asked type one answer may carry
     * @param maxTxtRecordBytes how long one TXT record may be, its strings joined
     */
    public record Settings(
            List<InetSocketAddress> servers,
            Duration queryTimeout,
            Duration checkBudget,
            int maxQueriesPerCheck,
            int maxAnswerRecords,
            int maxTxtRecordBytes) {

        public Settings {
            servers = List.copyOf(servers);
            if (servers.isEmpty() || servers.size() > 8) {
                throw new IllegalArgumentException("between 1 and 8 DNS servers are needed");
            }
            requirePositive(queryTimeout, Duration.ofSeconds(30), "queryTimeout");
            requirePositive(checkBudget, Duration.ofMinutes(2), "checkBudget");
            if (maxQueriesPerCheck < 1 || maxQueriesPerCheck > 1000) {
                throw new IllegalArgumentException("maxQueriesPerCheck must be 1..1000");
            }
            if (maxAnswerRecords < 1 || maxAnswerRecords > 1000) {
                throw new IllegalArgumentException("maxAnswerRecords must be 1..1000");
            }
            if (maxTxtRecordBytes < 255 || maxTxtRecordBytes > 65_535) {
                throw new IllegalArgumentException("maxTxtRecordBytes must be 255..65535");
            }
        }

        /**
         * Defaults for the given servers: 3 s per query, 10 s and 120 queries per check (an SPF
         * evaluation may legitimately need 10 mechanism lookups with 10 address lookups each), 128
         * records per answer (some apexes carry dozens of TXT records), 8 KiB per TXT record (a
         * 4096-bit DKIM key is about 800 bytes).
         */
        public static Settings defaults(List<InetSocketAddress> servers) {
            return new Settings(servers, Duration.ofSeconds(3), Duration.ofSeconds(10), 120, 128, 8192);
        }

        public Settings withQueryTimeout(Duration timeout) {
            return new Settings(servers, timeout, checkBudget, maxQueriesPerCheck, maxAnswerRecords, maxTxtRecordBytes);
        }

        public Settings withCheckBudget(Duration budget) {
            return new Settings(servers, queryTimeout, budget, maxQueriesPerCheck, maxAnswerRecords, maxTxtRecordBytes);
        }

        public Settings withMaxQueriesPerCheck(int max) {
            return new Settings(servers, queryTimeout, checkBudget, max, maxAnswerRecords, maxTxtRecordBytes);
        }

        private static void requirePositive(Duration d, Duration max, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be positive and at most " + max);
            }
        }
    }

    /**
     * The answer cache (see {@link DnsCache}).
     *
     * @param maxEntries how many answers are kept at most; 0 turns the cache off
     * @param minTtl the shortest time an answer is kept: smaller TTLs, 0 included, are raised to
     *     it (0 keeps TTLs as given, and a 0 TTL means "do not keep")
     * @param maxTtl the longest time an answer is kept, whatever its TTL says
     */
    public record CacheSettings(int maxEntries, Duration minTtl, Duration maxTtl) {
        public CacheSettings {
            if (maxEntries < 0 || maxEntries > 10_000_000) {
                throw new IllegalArgumentException("maxEntries must be 0..10000000");
            }
            Objects.requireNonNull(minTtl, "minTtl");
            Objects.requireNonNull(maxTtl, "maxTtl");
            if (minTtl.isNegative() || maxTtl.isNegative() || minTtl.compareTo(maxTtl) > 0
                    || maxTtl.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("need 0 <= minTtl <= maxTtl <= 1 day");
            }
        }

        /** 10 000 answers, TTLs as given up to one hour. */
        public static CacheSettings defaults() {
            return new CacheSettings(10_000, Duration.ZERO, Duration.ofHours(1));
        }

        public static CacheSettings off() {
            return new CacheSettings(0, Duration.ZERO, Duration.ZERO);
        }
    }

    private final Settings settings;
    private final List<SimpleResolver> resolvers;
    private final DnsCache cache;

    private DnsResolver(Settings settings, DnsCache cache) {
        this.settings = settings;
        this.cache = cache;
        List<SimpleResolver> list = new ArrayList<>();
        for (InetSocketAddress server : settings.servers()) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(settings.queryTimeout());
            // EDNS0 with the payload size the DNS flag day 2020 recommends; truncated answers go to TCP.
            // DO (RFC 3225) as Postfix's dnssec support level sets it: some validating resolvers report
            // AD only to clients that say they understand DNSSEC.
            r.setEDNS(0, 1232, org.xbill.DNS.ExtendedFlags.DO, List.of());
            list.add(r);
        }
        this.resolvers = List.copyOf(list);
    }

    /** A resolver with the default cache ({@link CacheSettings#defaults()}). */
    public static DnsResolver create(Settings settings) {
        return create(settings, CacheSettings.defaults());
    }

    public static DnsResolver create(Settings settings, CacheSettings cache) {
        return new DnsResolver(Objects.requireNonNull(settings, "settings"), new DnsCache(cache));
    }

    static DnsResolver create(Settings settings, DnsCache cache) {
        return new DnsResolver(Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(cache, "cache"));
    }

    /**
     * The resolver for a deployment: the servers of {@code spec} (the value of {@code
     * POSTERN_DNS_SERVERS}) or, when it is null or blank, the system's resolvers, with default
     * limits.
     */
    public static DnsResolver fromSpec(String spec) {
        List<InetSocketAddress> servers =
                spec == null || spec.isBlank() ? systemServers() : parseServers(spec);
        return create(Settings.defaults(servers));
    }

    /**
     * Parses a list of servers separated by commas or spaces: {@code 127.0.0.1:5353},
     * {@code 192.0.2.1} (port 53), {@code [::1]:53} or a bare IPv6 literal. Host names are refused.
     *
     * @throws IllegalArgumentException naming the item that is not an IP literal with a valid port
     */
    public static List<InetSocketAddress> parseServers(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<InetSocketAddress> out = new ArrayList<>();
        for (String item : spec.trim().split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            String host = item;
            int port = 53;
            if (item.startsWith("[")) {
                int close = item.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("DNS server '" + item + "' has no closing bracket");
                }
                host = item.substring(1, close);
                String rest = item.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new IllegalArgumentException("DNS server '" + item + "' is not [address]:port");
                    }
                    port = parsePort(item, rest.substring(1));
                }
            } else if (item.indexOf(':') >= 0 && item.indexOf(':') == item.lastIndexOf(':')) {
                host = item.substring(0, item.indexOf(':'));
                port = parsePort(item, item.substring(item.indexOf(':') + 1));
            }
            InetAddress address;
            try {
                address = InetAddress.ofLiteral(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("DNS server '" + item + "' is not an IP address literal");
            }
            out.add(new InetSocketAddress(address, port));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no DNS server given");
        }
        return List.copyOf(out);
    }

    private static int parsePort(String item, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("DNS server '" + item + "' has an invalid port");
    }

    /** The system's recursive servers as dnsjava finds them (resolv.conf and friends), at most 8. */
    public static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
        if (servers.isEmpty()) {
            return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
        }
        return List.copyOf(servers.subList(0, Math.min(8, servers.size())));
    }

    /** A fresh budget for one check; not thread-safe, use one per check. */
    public DnsSession newSession() {
        return new DnsSession(this);
    }

    Settings settings() {
        return settings;
    }

    List<SimpleResolver> resolvers() {
        return resolvers;
    }

    DnsCache cache() {
        return cache;
    }
}

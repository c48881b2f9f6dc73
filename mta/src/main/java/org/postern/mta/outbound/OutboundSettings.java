package org.postern.mta.outbound;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How outbound delivery behaves; every limit bounded.
 *
 * @param heloName the name this server gives in EHLO
 * @param maxQueueTime after this a pending recipient fails and the sender gets a DSN
 * @param delayNoticeAfter a recipient still pending this long after queueing gets one delay notice
 * @param retryBase the first retry delay; each further attempt doubles it
 * @param retryMax the longest delay between attempts
 * @param transport destination domain to a fixed next hop, used before MX lookup
 * @param tlsRequiredDomains destinations only reached over TLS with a verified certificate
 * @param workers how many destinations are delivered to at once, in all
 * @param perDestination how many connections at once to one destination domain
 * @param connectTimeout TCP connect
 * @param commandTimeout each reply (and each write)
 * @param dataTimeout the reply after the final dot
 * @param pollInterval how often the queue is checked for due recipients when idle
 * @param leaseTime how long a claimed recipient is held for one worker before another may take it
 * @param relay the smarthost for every domain without an override, if any
 * @param relayCa a PEM file of certificates to trust for the smarthost instead of the JDK's roots
 * @param dane whether DNSSEC-authenticated TLSA records (RFC 7672) are honoured for MX delivery
 * @param mxPort the port hosts found by MX or address lookup are reached on (25 but in test deployments)
 */
public record OutboundSettings(String heloName, Duration maxQueueTime, Duration delayNoticeAfter, Duration retryBase,
        Duration retryMax, Map<String, NextHop> transport, Set<String> tlsRequiredDomains, int workers,
        int perDestination, Duration connectTimeout, Duration commandTimeout, Duration dataTimeout,
        Duration pollInterval, Duration leaseTime, Optional<NextHop> relay, Optional<java.nio.file.Path> relayCa,
        boolean dane, int mxPort) {

    public OutboundSettings {
        Objects.requireNonNull(heloName, "heloName");
        positive(maxQueueTime, "maxQueueTime");
        positive(delayNoticeAfter, "delayNoticeAfter");
        positive(retryBase, "retryBase");
        positive(retryMax, "retryMax");
        positive(connectTimeout, "connectTimeout");
        positive(commandTimeout, "commandTimeout");
        positive(dataTimeout, "dataTimeout");
        positive(pollInterval, "pollInterval");
        positive(leaseTime, "leaseTime");
        transport = Map.copyOf(transport);
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(relayCa, "relayCa");
        tlsRequiredDomains = Set.copyOf(tlsRequiredDomains);
        if (mxPort < 1 || mxPort > 65535) {
            throw new IllegalArgumentException("mxPort must be 1..65535");
        }
        if (workers < 1 || perDestination < 1) {
            throw new IllegalArgumentException("workers and perDestination must be at least 1");
        }
        if (retryMax.compareTo(retryBase) < 0) {
            throw new IllegalArgumentException("retryMax must not be shorter than retryBase");
        }
    }

    /** RFC 5321 §4.5.4.1 suggests giving up after 4-5 days; Postfix's defaults for the rest. */
    public static OutboundSettings defaults(String heloName) {
        return new OutboundSettings(heloName, Duration.ofDays(5), Duration.ofHours(4), Duration.ofMinutes(5),
                Duration.ofHours(1), Map.of(), Set.of(), 20, 4, Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMinutes(30), Optional.empty(), Optional.empty(),
                true, RouteResolver.SMTP_PORT);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}

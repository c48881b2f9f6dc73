package org.postern.mta.checks;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one DNS lookup, already validated and bounded by {@link DnsSession}.
 *
 * @param status what the lookup established
 * @param values the answer data as text: TXT records with their character-strings joined, A/AAAA
 *     addresses, MX and PTR target names without the trailing dot, TLSA records as
 *     {@code usage selector matching-type hex}; empty unless {@link Status#OK}
 * @param authenticated every response behind this answer (CNAMEs followed included) carried the
 *     AD bit: the recursive server says it validated it with DNSSEC. Only as trustworthy as the
 *     path to that server, so only meaningful when it runs on this host (RFC 6698 §4.1, RFC 7672 §2.1)
 */
public record DnsAnswer(Status status, List<String> values, boolean authenticated) {

    /** What a lookup established; only {@link #OK} carries values. */
    public enum Status {
        /** At least one record of the asked type. */
        OK,
        /** The name does not exist (RCODE 3). */
        NXDOMAIN,
        /** The name exists but has no record of the asked type. */
        NODATA,
        /** No usable answer in time: timeout, SERVFAIL, REFUSED, network error or budget spent. */
        TEMPFAIL,
        /** An answer or a name that breaks our limits or the protocol (oversize, CNAME loop, bad name). */
        INVALID
    }

    public DnsAnswer {
        Objects.requireNonNull(status, "status");
        values = List.copyOf(values);
        if (status != Status.OK && !values.isEmpty()) {
            throw new IllegalArgumentException("only an OK answer carries values");
        }
    }

    /** An answer without DNSSEC authentication. */
    public DnsAnswer(Status status, List<String> values) {
        this(status, values, false);
    }

    static DnsAnswer of(Status status) {
        return new DnsAnswer(status, List.of());
    }

    static DnsAnswer of(Status status, boolean authenticated) {
        return new DnsAnswer(status, List.of(), authenticated);
    }

    /** True when the answer is {@link #authenticated} and says something (not a temporary failure). */
    public boolean secure() {
        return authenticated && (status == Status.OK || isEmpty());
    }

    /** True for NXDOMAIN and NODATA: the DNS said there is nothing (a "void lookup" in RFC 7208 terms). */
    public boolean isEmpty() {
        return status == Status.NXDOMAIN || status == Status.NODATA;
    }
}

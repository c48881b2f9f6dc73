package org.postern.mta.checks;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one DNS lookup, already validated and bounded by {@link DnsSession}.
 *
 * @param status what the lookup established
 * @param values the answer data as text: TXT records with their character-strings joined, A/AAAA
 *     addresses, MX and PTR target names without the trailing dot; empty unless {@link Status#OK}
 */
public record DnsAnswer(Status status, List<String> values) {

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

    static DnsAnswer of(Status status) {
        return new DnsAnswer(status, List.of());
    }

    /** True for NXDOMAIN and NODATA: the DNS said there is nothing (a "void lookup" in RFC 7208 terms). */
    public boolean isEmpty() {
        return status == Status.NXDOMAIN || status == Status.NODATA;
    }
}

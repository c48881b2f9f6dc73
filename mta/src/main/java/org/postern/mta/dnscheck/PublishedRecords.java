package org.postern.mta.dnscheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.postern.mta.checks.DnsAnswer;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.checks.DnsSession;
import org.postern.mta.dns.DnsRecord;

/**
 * Looks up the records a domain should publish and says, for each, whether DNS has it right now.
 * All lookups of one check share one {@link DnsSession}, so the whole check is bounded by the
 * resolver's per-check time and query budget; a lookup that times out, fails or breaks a limit is
 * {@link Status#LOOKUP_FAILED}, never an exception.
 */
public final class PublishedRecords {
    /** How many found values one result carries back (an apex can hold dozens of TXT records). */
    static final int MAX_FOUND = 10;
    /** How long one found value may be when echoed (a 4096-bit DKIM key is about 800 characters). */
    static final int MAX_FOUND_CHARS = 2048;

    /** What DNS said about one expected record. */
    public enum Status {
        /** A record of the right kind at the name has exactly the expected value. */
        FOUND,
        /** Records of that kind exist at the name but none has the expected value ({@code found} lists them). */
        DIFFERENT,
        /** DNS answered: nothing of that kind at the name. */
        MISSING,
        /** No usable answer: timeout, server failure, budget spent or an answer beyond our limits. */
        LOOKUP_FAILED
    }

    /**
     * @param expected the record to publish
     * @param status what DNS said
     * @param found the values of that kind at the name (for DIFFERENT and FOUND), at most {@value #MAX_FOUND}
     */
    public record Result(DnsRecord expected, Status status, List<String> found) {
        public Result {
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(status, "status");
            found = List.copyOf(found);
        }
    }

    private final DnsResolver resolver;

    public PublishedRecords(DnsResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** Checks every record in order, in one budgeted session. */
    public List<Result> check(List<DnsRecord> expected) {
        DnsSession session = resolver.newSession();
        List<Result> out = new ArrayList<>(expected.size());
        for (DnsRecord r : expected) {
            out.add(check(session, r));
        }
        return List.copyOf(out);
    }

    static Result check(DnsSession session, DnsRecord r) {
        String name = r.name();
        DnsAnswer answer;
        try {
            answer = switch (r.type()) {
                case "MX" -> session.mx(name);
                case "TXT" -> session.txt(name);
                case "CNAME" -> session.cname(name);
                default -> null;
            };
        } catch (RuntimeException e) {
            // DnsSession never throws by contract; fail closed if it ever does.
            answer = null;
        }
        if (answer == null) {
            return new Result(r, Status.LOOKUP_FAILED, List.of());
        }
        return switch (answer.status()) {
            case NXDOMAIN, NODATA -> new Result(r, Status.MISSING, List.of());
            case TEMPFAIL, INVALID -> new Result(r, Status.LOOKUP_FAILED, List.of());
            case OK -> compare(r, answer.values());
        };
    }

    static Result compare(DnsRecord r, List<String> values) {
        List<String> relevant = switch (r.type()) {
            case "TXT" -> values.stream().filter(v -> sameKind(r, v)).toList();
            default -> values;
        };
        if (relevant.isEmpty()) {
            return new Result(r, Status.MISSING, List.of());
        }
        String want = wanted(r);
        boolean match = relevant.stream().anyMatch(v -> normalise(r.type(), v).equals(want));
        List<String> shown = relevant.stream().limit(MAX_FOUND).map(PublishedRecords::bounded).toList();
        return new Result(r, match ? Status.FOUND : Status.DIFFERENT, shown);
    }

    /**
     * Whether a TXT value is the same kind of record as the expected one: same {@code v=} tag (an
     * apex carries SPF next to verification tokens; only its SPF record is compared). Every TXT at a
     * DKIM selector is of that kind ({@code v=DKIM1} is optional there).
     */
    private static boolean sameKind(DnsRecord r, String value) {
        if (r.name().contains("._domainkey.")) {
            return true;
        }
        String tag = versionTag(r.value());
        return tag.isEmpty() || versionTag(value).equals(tag);
    }

    private static String versionTag(String txt) {
        String t = txt.strip().toLowerCase(Locale.ROOT);
        if (!t.startsWith("v=")) {
            return "";
        }
        int end = t.length();
        for (int i = 2; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ';' || c == ' ' || c == '\t') {
                end = i;
                break;
            }
        }
        return t.substring(0, end);
    }

    /** The expected value in the form the resolver reports: MX and CNAME as a bare lower-case host. */
    private static String wanted(DnsRecord r) {
        return switch (r.type()) {
            case "MX" -> normalise("MX", r.value().substring(r.value().indexOf(' ') + 1));
            default -> normalise(r.type(), r.value());
        };
    }

    /**
     * Host names without the final dot, lower case. TXT tag lists (DKIM, DMARC, MTA-STS, TLS-RPT)
     * without white space or empty tags, since their syntax ignores both; other TXT (SPF) with
     * runs of white space made one space.
     */
    static String normalise(String type, String value) {
        String v = value.strip();
        if (type.equals("TXT")) {
            if (v.indexOf(';') >= 0) {
                List<String> tags = new ArrayList<>();
                for (String tag : v.split(";")) {
                    String t = tag.replaceAll("\\s+", "");
                    if (!t.isEmpty()) {
                        tags.add(t);
                    }
                }
                return String.join(";", tags);
            }
            return v.replaceAll("\\s+", " ");
        }
        v = v.toLowerCase(Locale.ROOT);
        return v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
    }

    private static String bounded(String value) {
        return value.length() <= MAX_FOUND_CHARS ? value : value.substring(0, MAX_FOUND_CHARS) + "…";
    }
}

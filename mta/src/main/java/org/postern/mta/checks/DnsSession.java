package org.postern.mta.checks;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postern.mta.checks.DnsAnswer.Status;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS budget of one check: a deadline and a query count taken from {@link
 * DnsResolver.Settings}. Every method returns a {@link DnsAnswer} and never throws; once the budget
 * is spent every further lookup is {@link Status#TEMPFAIL}. Not thread-safe.
 */
public final class DnsSession {
    private static final int MAX_CNAME_HOPS = 8;

    private final DnsResolver resolver;
    private final long deadlineNanos;
    private int queries;
    private boolean budgetSpent;

    DnsSession(DnsResolver resolver) {
        this.resolver = resolver;
        this.deadlineNanos = System.nanoTime() + resolver.settings().checkBudget().toNanos();
    }

    public DnsAnswer txt(String name) {
        return lookup(name, Type.TXT);
    }

    public DnsAnswer a(String name) {
        return lookup(name, Type.A);
    }

    public DnsAnswer aaaa(String name) {
        return lookup(name, Type.AAAA);
    }

    /** MX targets, most preferred first; a null MX (RFC 7505) is the one value "" . */
    public DnsAnswer mx(String name) {
        return lookup(name, Type.MX);
    }

    public DnsAnswer ptr(String name) {
        return lookup(name, Type.PTR);
    }

    /** TLSA records (RFC 6698) as {@code usage selector matching-type hex}, e.g. {@code _25._tcp.mx.example.com}. */
    public DnsAnswer tlsa(String name) {
        return lookup(name, Type.TLSA);
    }

    /** The CNAME target of {@code name} itself (not followed); NODATA when the name has no CNAME. */
    public DnsAnswer cname(String name) {
        return lookup(name, Type.CNAME);
    }

    /** How many queries were sent so far (each server attempt counts). */
    public int queriesSent() {
        return queries;
    }

    /** True once a lookup was refused or cut short because the time or query budget ran out. */
    public boolean budgetSpent() {
        return budgetSpent;
    }

    /** Looks up one name and type, following CNAMEs (at most 8). Never throws. */
    DnsAnswer lookup(String name, int type) {
        Name current;
        try {
            if (name == null || name.isEmpty() || name.length() > 254) {
                return DnsAnswer.of(Status.INVALID);
            }
            current = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return DnsAnswer.of(Status.INVALID);
        }
        try {
            // Authenticated only when every response on the way (each CNAME hop) says so.
            boolean authenticated = true;
            for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
                Message response = send(current, type);
                if (response == null) {
                    return DnsAnswer.of(Status.TEMPFAIL);
                }
                authenticated &= response.getHeader().getFlag(Flags.AD);
                if (response.getRcode() == Rcode.NXDOMAIN) {
                    return DnsAnswer.of(Status.NXDOMAIN, authenticated);
                }
                List<Record> answer = response.getSection(Section.ANSWER);
                Name target = current;
                // Asked for the CNAME itself: the record at the name is the answer, nothing to follow.
                for (int i = 0; type != Type.CNAME && i < MAX_CNAME_HOPS; i++) {
                    Name next = null;
                    for (Record r : answer) {
                        if (r instanceof CNAMERecord c && r.getName().equals(target)) {
                            next = c.getTarget();
                            break;
                        }
                    }
                    if (next == null) {
                        break;
                    }
                    target = next;
                }
                List<Record> data = new ArrayList<>();
                for (Record r : answer) {
                    if (r.getType() == type && r.getDClass() == DClass.IN && r.getName().equals(target)) {
                        data.add(r);
                    }
                }
                if (!data.isEmpty()) {
                    return toAnswer(data, authenticated);
                }
                if (target.equals(current)) {
                    return DnsAnswer.of(Status.NODATA, authenticated);
                }
                current = target;
            }
            return DnsAnswer.of(Status.INVALID);
        } catch (RuntimeException e) {
            // dnsjava or a malformed answer surprised us: fail closed as a temporary failure.
            return DnsAnswer.of(Status.TEMPFAIL);
        }
    }

    private DnsAnswer toAnswer(List<Record> data, boolean authenticated) {
        DnsResolver.Settings s = resolver.settings();
        if (data.size() > s.maxAnswerRecords()) {
            return DnsAnswer.of(Status.INVALID);
        }
        List<String> values = new ArrayList<>(data.size());
        // MX targets in order of preference (outbound delivery tries them in this order; SPF ignores order).
        data.sort(java.util.Comparator.comparingInt(r -> r instanceof MXRecord m ? m.getPriority() : 0));
        for (Record r : data) {
            switch (r) {
                case TXTRecord t -> {
                    int total = 0;
                    StringBuilder sb = new StringBuilder();
                    for (byte[] part : t.getStringsAsByteArrays()) {
                        total += part.length;
                        if (total > s.maxTxtRecordBytes()) {
                            return DnsAnswer.of(Status.INVALID);
                        }
                        // ISO-8859-1 keeps every byte; the parsers downstream accept only ASCII.
                        sb.append(new String(part, StandardCharsets.ISO_8859_1));
                    }
                    values.add(sb.toString());
                }
                case ARecord a -> values.add(addressText(a.getAddress()));
                case AAAARecord a -> values.add(addressText(a.getAddress()));
                case MXRecord m -> values.add(hostText(m.getTarget()));
                case PTRRecord p -> values.add(hostText(p.getTarget()));
                case TLSARecord t -> {
                    byte[] association = t.getCertificateAssociationData();
                    if (association.length > s.maxTxtRecordBytes()) {
                        return DnsAnswer.of(Status.INVALID);
                    }
                    values.add(t.getCertificateUsage() + " " + t.getSelector() + " " + t.getMatchingType() + " "
                            + java.util.HexFormat.of().formatHex(association));
                }
                case CNAMERecord c -> values.add(hostText(c.getTarget()));
                default -> {
                    return DnsAnswer.of(Status.INVALID);
                }
            }
        }
        return new DnsAnswer(Status.OK, values, authenticated);
    }

    private static String addressText(InetAddress address) {
        return address.getHostAddress();
    }

    private static String hostText(Name name) {
        String text = name.toString(true);
        return text.toLowerCase(Locale.ROOT);
    }

    /** Sends the query to each server in turn; null when none answered usefully within budget. */
    private Message send(Name name, int type) {
        if (budgetSpent) {
            return null;
        }
        Message cached = resolver.cache().get(name, type);
        if (cached != null) {
            return cached;
        }
        DnsResolver.Settings s = resolver.settings();
        for (SimpleResolver server : resolver.resolvers()) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0 || queries >= s.maxQueriesPerCheck()) {
                budgetSpent = true;
                return null;
            }
            queries++;
            long wait = Math.min(remaining, s.queryTimeout().toNanos());
            Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
            // RFC 6840 §5.7: ask the recursive server to tell us (AD) whether it validated the answer.
            query.getHeader().setFlag(Flags.AD);
            var future = server.sendAsync(query).toCompletableFuture();
            try {
                Message response = future.get(wait, TimeUnit.NANOSECONDS);
                if (!answersQuestion(response, name, type)) {
                    continue;
                }
                int rcode = response.getRcode();
                if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                    resolver.cache().put(name, type, response);
                    return response;
                }
                // SERVFAIL, REFUSED and the rest: ask the next server.
            } catch (TimeoutException e) {
                future.cancel(true);
                if (wait < s.queryTimeout().toNanos()) {
                    budgetSpent = true;
                }
            } catch (ExecutionException e) {
                // network error or dnsjava timeout: ask the next server
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static boolean answersQuestion(Message response, Name name, int type) {
        Record q = response.getQuestion();
        return q != null && q.getType() == type && q.getDClass() == DClass.IN && q.getName().equals(name);
    }
}

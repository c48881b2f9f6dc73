package org.postern.mta.checks;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Adapts one {@link DnsSession} to jSPF's {@link DNSService} for a single SPF evaluation, and
 * enforces the RFC 7208 §4.6.4 limits jSPF leaves out: at most two void lookups and at most ten
 * address records per "mx" mechanism. jSPF already stops at ten DNS-querying terms
 * ({@code SPFSession.MAX_DEPTH}). A limit breach, or an answer over our size bounds, is recorded
 * in {@link #violation()} and aborts the evaluation through jSPF's timeout path; {@link SpfCheck}
 * then reports {@code permerror}.
 */
final class SpfDnsService implements DNSService {
    static final int MAX_VOID_LOOKUPS = 2;
    static final int MAX_MX_RECORDS = 10;

    private final DnsSession session;
    private int voidLookups;
    private String violation = "";

    SpfDnsService(DnsSession session) {
        this.session = session;
    }

    /** Empty while no RFC 7208 limit or size bound was broken, else what was. */
    String violation() {
        return violation;
    }

    DnsSession session() {
        return session;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        if (!violation.isEmpty()) {
            throw new TimeoutException("evaluation aborted");
        }
        DnsAnswer answer;
        boolean mechanismLookup = true;
        switch (request.getRecordType()) {
            case DNSRequest.SPF -> {
                // RFC 7208 §3.1: the SPF RR type is obsolete; answer "no such records" without asking.
                return null;
            }
            case DNSRequest.TXT -> {
                answer = session.txt(request.getHostname());
                mechanismLookup = false;
            }
            case DNSRequest.A -> answer = session.a(request.getHostname());
            case DNSRequest.AAAA -> answer = session.aaaa(request.getHostname());
            case DNSRequest.MX -> answer = session.mx(request.getHostname());
            case DNSRequest.PTR -> answer = session.ptr(request.getHostname());
            default -> {
                violation = "unexpected query type";
                throw new TimeoutException("unexpected query type");
            }
        }
        switch (answer.status()) {
            case OK -> {
                if (request.getRecordType() == DNSRequest.MX && answer.values().size() > MAX_MX_RECORDS) {
                    violation = "more than 10 MX records";
                    throw new TimeoutException("limit");
                }
                return new ArrayList<>(answer.values()); // jSPF consumes the list it gets
            }
            case NXDOMAIN, NODATA -> {
                if (mechanismLookup && ++voidLookups > MAX_VOID_LOOKUPS) {
                    violation = "more than 2 void lookups";
                    throw new TimeoutException("limit");
                }
                return null;
            }
            case INVALID -> {
                if (mechanismLookup) {
                    violation = "invalid DNS name or oversize answer";
                }
                // A TXT answer over our bounds is our limit, not the sender's error: temperror (and an
                // exp= lookup, should jSPF make one after an include, is simply ignored).
                throw new TimeoutException("invalid");
            }
            default -> throw new TimeoutException("temporary DNS failure");
        }
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<String> getLocalDomainNames() {
        // Only the %{r} macro of exp= uses this, and explanations are never fetched.
        return List.of("unknown");
    }

    @Override
    public void setTimeOut(int timeOut) {
        // Timeouts come from DnsResolver.Settings.
    }

    @Override
    public int getRecordLimit() {
        return MAX_MX_RECORDS;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        // Fixed by RFC 7208 §4.6.4.
    }
}

package org.postern.mta.checks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSLookupContinuation;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.SPF1Utils;
import org.apache.james.jspf.core.SPFChecker;
import org.apache.james.jspf.core.SPFCheckerExceptionCatcher;
import org.apache.james.jspf.core.SPFSession;
import org.apache.james.jspf.core.exceptions.SPFErrorConstants;
import org.apache.james.jspf.core.exceptions.SPFResultException;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.executor.FutureSPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.SPF;
import org.postern.mta.checks.SpfResult.Identity;
import org.postern.mta.checks.SpfResult.Status;
import org.postern.model.DomainName;
import org.postern.model.InvalidInputException;
import org.postern.model.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF (RFC 7208) with Apache jSPF over {@link DnsResolver}: checks the MAIL FROM identity, or
 * the HELO identity when the reverse-path is null (§2.4). Explanations ({@code exp=}) are not
 * fetched. Limits: ten DNS-querying terms (jSPF), two void lookups and ten MX hosts
 * ({@link SpfDnsService}), plus the resolver's time and query budget; a breach of an RFC limit is
 * {@code permerror}, an exhausted budget or DNS failure {@code temperror}. Never throws.
 */
public final class SpfCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SpfCheck.class);

    /** The DNS service of the evaluation running on this thread (see {@link #SPF_ENGINE}). */
    private static final ScopedValue<SpfDnsService> CURRENT = ScopedValue.newInstance();

    /**
     * One jSPF engine for every check: building it (its terms factory and parser, which compile
     * regexes and use reflection) cost about as much as the evaluation itself. jSPF wires the DNS
     * service into its terms when the parser is built, so the engine gets a service that forwards
     * to the current evaluation's {@link SpfDnsService}; the engine itself keeps no per-check state.
     */
    private static final SPF SPF_ENGINE;

    static {
        DNSService current = new CurrentDnsService();
        SPF_ENGINE = new SPF(current, new SynchronousSPFExecutor(current));
    }

    private final DnsResolver resolver;

    public SpfCheck(DnsResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** Evaluates the HELO identity alone (RFC 7208 §2.3), whatever the reverse-path is. */
    public SpfResult checkHelo(InetAddress client, String heloName) {
        return check(client, heloName, null);
    }

    /**
     * Evaluates SPF for a client.
     *
     * @param client the connecting client's address
     * @param heloName the HELO/EHLO argument as given (may be null)
     * @param mailFrom the MAIL FROM address without angle brackets; null or empty for the null
     *     reverse-path, in which case the HELO identity is checked
     */
    public SpfResult check(InetAddress client, String heloName, String mailFrom) {
        Objects.requireNonNull(client, "client");
        String helo = heloName == null ? "" : heloName.strip();
        boolean nullSender = mailFrom == null || mailFrom.isBlank() || mailFrom.strip().equals("<>");
        Identity identity = nullSender ? Identity.HELO : Identity.MAILFROM;
        String rawDomain;
        if (nullSender) {
            rawDomain = helo;
        } else {
            String mf = mailFrom.strip();
            int at = mf.lastIndexOf('@');
            rawDomain = at < 0 ? mf : mf.substring(at + 1);
        }
        Optional<DomainName> domain = parseDomain(rawDomain);
        if (domain.isEmpty()) {
            // RFC 7208 §4.3: a malformed or single-label domain gives "none".
            return new SpfResult(Status.NONE, identity, Optional.empty(), "no valid domain to check");
        }
        try {
            return evaluate(client, helo, nullSender ? "" : localPartOf(mailFrom.strip()) + "@" + domain.get().ascii(),
                    identity, domain.get());
        } catch (RuntimeException e) {
            LOG.warn("SPF evaluation failed internally for {}: {}", redacted(nullSender, mailFrom, helo),
                    e.getClass().getSimpleName());
            return new SpfResult(Status.TEMPERROR, identity, domain, "internal error");
        }
    }

    private SpfResult evaluate(InetAddress client, String helo, String mailFrom, Identity identity, DomainName domain) {
        DnsSession dns = resolver.newSession();
        SpfDnsService service = new SpfDnsService(dns);
        SynchronousSPFExecutor executor = new SynchronousSPFExecutor(service);
        String heloForJspf = identity == Identity.HELO ? domain.ascii() : (helo.isEmpty() ? "unknown" : helo);
        SPFSession session = new SPFSession(mailFrom, heloForJspf, clientText(client));
        session.setIgnoreExplanation(true);
        session.pushChecker(new ResultHandler());
        session.pushChecker(SPF_ENGINE);
        FutureSPFResult future = new FutureSPFResult();
        // The synchronous executor runs every step on this thread, inside the binding.
        String token = ScopedValue.where(CURRENT, service).call(() -> {
            executor.execute(session, future);
            return future.getResult();
        });

        Status status;
        String reason = "";
        if (!service.violation().isEmpty()) {
            status = Status.PERMERROR;
            reason = service.violation();
        } else {
            status = switch (token == null ? "" : token) {
                case SPFErrorConstants.PASS_CONV -> Status.PASS;
                case SPFErrorConstants.FAIL_CONV -> Status.FAIL;
                case SPFErrorConstants.SOFTFAIL_CONV -> Status.SOFTFAIL;
                case SPFErrorConstants.NEUTRAL_CONV -> Status.NEUTRAL;
                case SPFErrorConstants.NONE_CONV -> Status.NONE;
                case SPFErrorConstants.PERM_ERROR_CONV -> Status.PERMERROR;
                default -> Status.TEMPERROR;
            };
            if (status == Status.TEMPERROR && dns.budgetSpent()) {
                reason = "DNS budget exhausted";
            } else if (status == Status.TEMPERROR) {
                reason = "DNS failure";
            } else if (status == Status.PERMERROR) {
                reason = "invalid SPF record or lookup limit";
            }
        }
        LOG.debug("SPF {} for {} ({} DNS queries)", status.token(), domain.ascii(), dns.queriesSent());
        return new SpfResult(status, identity, Optional.of(domain), reason);
    }

    private static String clientText(InetAddress client) {
        String text = client.getHostAddress();
        if (client instanceof Inet6Address) {
            int zone = text.indexOf('%');
            if (zone >= 0) {
                text = text.substring(0, zone);
            }
        }
        return text;
    }

    private static String localPartOf(String mailFrom) {
        int at = mailFrom.lastIndexOf('@');
        String local = at <= 0 ? "postmaster" : mailFrom.substring(0, at);
        return local;
    }

    static Optional<DomainName> parseDomain(String raw) {
        if (raw == null || raw.isEmpty() || raw.startsWith("[")) {
            return Optional.empty();
        }
        try {
            return Optional.of(DomainName.parse(raw.toLowerCase(Locale.ROOT)));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    private static String redacted(boolean nullSender, String mailFrom, String helo) {
        return nullSender ? "HELO " + Redact.text(helo) : Redact.address(mailFrom);
    }

    /**
     * The engine's view of DNS: the current evaluation's service, or a temporary failure when
     * called outside one (which would be a bug; failing closed keeps it harmless).
     */
    private static final class CurrentDnsService implements DNSService {
        private static SpfDnsService current() throws TimeoutException {
            if (!CURRENT.isBound()) {
                throw new TimeoutException("no SPF evaluation in progress");
            }
            return CURRENT.get();
        }

        @Override
        public List<String> getRecords(DNSRequest request) throws TimeoutException {
            return current().getRecords(request);
        }

        @Override
        public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
            try {
                return current().getRecordsAsync(request);
            } catch (TimeoutException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public List<String> getLocalDomainNames() {
            return List.of("unknown");
        }

        @Override
        public void setTimeOut(int timeOut) {
            // Timeouts come from DnsResolver.Settings.
        }

        @Override
        public int getRecordLimit() {
            return SpfDnsService.MAX_MX_RECORDS;
        }

        @Override
        public void setRecordLimit(int recordLimit) {
            // Fixed by RFC 7208 §4.6.4.
        }
    }

    /**
     * The last checker on the stack: turns the outcome into a result token, mapping every
     * exception jSPF did not classify to temperror (jSPF's own default would be neutral).
     */
    private static final class ResultHandler implements SPFChecker, SPFCheckerExceptionCatcher {
        @Override
        public DNSLookupContinuation checkSPF(SPFSession session) {
            if (session.getCurrentResultExpanded() == null) {
                String current = session.getCurrentResult() != null ? session.getCurrentResult() : "";
                session.setCurrentResultExpanded(SPF1Utils.resultToName(current));
            }
            return null;
        }

        @Override
        public void onException(Throwable exception, SPFSession session) {
            String result = exception instanceof SPFResultException r
                    ? r.getResult()
                    : SPFErrorConstants.TEMP_ERROR_CONV;
            session.setCurrentResultExpanded(result);
        }
    }
}

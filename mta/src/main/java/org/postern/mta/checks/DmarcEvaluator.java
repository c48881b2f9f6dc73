package org.postern.mta.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.postern.mta.checks.DmarcResult.Policy;
import org.postern.mta.checks.DmarcResult.Status;
import org.postern.model.DomainName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DMARC (RFC 7489): finds the policy record at {@code _dmarc.<From domain>}, falling back to the
 * organizational domain from the {@link PublicSuffixList}, checks relaxed or strict alignment of
 * the SPF and DKIM results, and applies p=, sp= and pct=. Never throws.
 *
 * <p>Decisions. The RFC5321.From must be exactly one field holding exactly one mailbox with a
 * valid domain; otherwise (none, several fields, several addresses, a group, unparseable) the
 * result is permerror with disposition reject, whatever any policy says: RFC 7489 §6.6.1 notes
 * such messages "are typically rejected", and evaluating one address of several would let a
 * forger pick the one that passes. The SPF result is used whatever identity it checked: for a
 * null reverse-path that is postmaster@HELO, which RFC 7208 §2.4 defines as the MAIL FROM
 * identity. Where no identifier aligns but an aligned check had a temperror, the result is
 * temperror, so a DNS hiccup never turns into a permanent rejection. Several DMARC records at one
 * name mean no policy (RFC 7489 §6.6.3); a record with v=DMARC1 but no valid p= (and no rua=) is
 * permerror with no disposition.
 */
public final class DmarcEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(DmarcEvaluator.class);
    private static final int MAX_FROM_FIELD_CHARS = 8192;

    private final DnsResolver resolver;
    private final PublicSuffixList suffixes;
    private final RandomGenerator random;

    /**
     * @param random draws the pct= sample (it needs no cryptographic strength)
     */
    public DmarcEvaluator(DnsResolver resolver, PublicSuffixList suffixes, RandomGenerator random) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.suffixes = Objects.requireNonNull(suffixes, "suffixes");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Evaluates a message given its raw header block (CRLF or LF line ends). */
    public DmarcResult evaluate(byte[] headerBlock, SpfResult spf, List<DkimResult> dkim) {
        return evaluate(HeaderBlock.parse(headerBlock), spf, dkim);
    }

    DmarcResult evaluate(HeaderBlock headers, SpfResult spf, List<DkimResult> dkim) {
        FromDomain from = fromDomain(headers);
        if (from.domain().isEmpty()) {
            return fromProblem(from.problem());
        }
        return evaluate(from.domain().get(), spf, dkim);
    }

    /** The permerror-and-reject result for a From header that is not exactly one valid address. */
    static DmarcResult fromProblem(String reason) {
        return new DmarcResult(Status.PERMERROR, Optional.empty(), Optional.empty(), Policy.REJECT, Policy.REJECT,
                false, false, reason);
    }

    /** Evaluates for a known RFC5322.From domain. */
    public DmarcResult evaluate(DomainName fromDomain, SpfResult spf, List<DkimResult> dkim) {
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(dkim, "dkim");
        try {
            return doEvaluate(fromDomain, spf, dkim);
        } catch (RuntimeException e) {
            LOG.warn("DMARC evaluation failed internally for {}: {}", fromDomain, e.getClass().getSimpleName());
            return new DmarcResult(Status.TEMPERROR, Optional.of(fromDomain), Optional.empty(), Policy.NONE,
                    Policy.NONE, false, false, "internal error");
        }
    }

    private DmarcResult doEvaluate(DomainName from, SpfResult spf, List<DkimResult> dkim) {
        DnsSession dns = resolver.newSession();
        DomainName org = suffixes.organizationalDomain(from);
        DomainName policyDomain = from;
        Discovery found = discover(dns, from);
        boolean subdomain = false;
        if (found.kind == Discovery.Kind.NOT_FOUND && !org.equals(from)) {
            policyDomain = org;
            subdomain = true;
            found = discover(dns, org);
        }
        Optional<DomainName> pd = Optional.of(policyDomain);
        switch (found.kind) {
            case TEMPFAIL -> {
                return new DmarcResult(Status.TEMPERROR, Optional.of(from), pd, Policy.NONE, Policy.NONE, false, false,
                        "DMARC record lookup failed");
            }
            case INVALID -> {
                return new DmarcResult(Status.PERMERROR, Optional.of(from), pd, Policy.NONE, Policy.NONE, false, false,
                        found.reason);
            }
            case NOT_FOUND -> {
                return new DmarcResult(Status.NONE, Optional.of(from), Optional.empty(), Policy.NONE, Policy.NONE,
                        false, false, found.reason);
            }
            default -> {
                // FOUND
            }
        }
        DmarcRecord record = found.record;
        Policy policy = subdomain && record.subdomainPolicy.isPresent() ? record.subdomainPolicy.get() : record.policy;

        boolean spfAligned = spf.status() == SpfResult.Status.PASS
                && spf.domain().isPresent() && aligned(spf.domain().get(), from, record.strictSpf);
        boolean dkimAligned = false;
        boolean dkimTemp = false;
        for (DkimResult r : dkim) {
            if (r.domain().isPresent() && aligned(r.domain().get(), from, record.strictDkim)) {
                dkimAligned |= r.authenticates();
                dkimTemp |= r.status() == DkimResult.Status.TEMPERROR;
            }
        }
        if (spfAligned || dkimAligned) {
            return new DmarcResult(Status.PASS, Optional.of(from), pd, policy, Policy.NONE, spfAligned, dkimAligned, "");
        }
        boolean spfTemp = spf.status() == SpfResult.Status.TEMPERROR
                && spf.domain().isPresent() && aligned(spf.domain().get(), from, record.strictSpf);
        if (spfTemp || dkimTemp) {
            return new DmarcResult(Status.TEMPERROR, Optional.of(from), pd, policy, Policy.NONE, false, false,
                    "an aligned check had a temporary error");
        }
        Policy disposition = policy;
        if (record.percent < 100 && random.nextInt(100) >= record.percent) {
            // RFC 7489 §6.6.4: a message outside the sample gets the next weaker policy.
            disposition = switch (policy) {
                case REJECT -> Policy.QUARANTINE;
                case QUARANTINE, NONE -> Policy.NONE;
            };
        }
        return new DmarcResult(Status.FAIL, Optional.of(from), pd, policy, disposition, false, false,
                "no aligned identifier passed");
    }

    private boolean aligned(DomainName authenticated, DomainName from, boolean strict) {
        if (strict) {
            return authenticated.equals(from);
        }
        return suffixes.organizationalDomain(authenticated).equals(suffixes.organizationalDomain(from));
    }

    private record Discovery(Kind kind, DmarcRecord record, String reason) {
        enum Kind { FOUND, NOT_FOUND, TEMPFAIL, INVALID }
    }

    private static Discovery discover(DnsSession dns, DomainName domain) {
        DnsAnswer answer = dns.txt("_dmarc." + domain.ascii());
        switch (answer.status()) {
            case TEMPFAIL -> {
                return new Discovery(Discovery.Kind.TEMPFAIL, null, "");
            }
            case INVALID -> {
                return new Discovery(Discovery.Kind.INVALID, null, "invalid DMARC answer");
            }
            case NXDOMAIN, NODATA -> {
                return new Discovery(Discovery.Kind.NOT_FOUND, null, "no DMARC record");
            }
            default -> {
                // OK
            }
        }
        List<String> candidates = new ArrayList<>();
        for (String txt : answer.values()) {
            String t = TagList.strip(txt);
            if (t.startsWith("v=DMARC1") || t.matches("v\\s*=\\s*DMARC1.*")) {
                candidates.add(t);
            }
        }
        if (candidates.isEmpty()) {
            return new Discovery(Discovery.Kind.NOT_FOUND, null, "no DMARC record");
        }
        if (candidates.size() > 1) {
            return new Discovery(Discovery.Kind.NOT_FOUND, null, "several DMARC records");
        }
        Optional<DmarcRecord> record = DmarcRecord.parse(candidates.get(0));
        return record.map(r -> new Discovery(Discovery.Kind.FOUND, r, ""))
                .orElseGet(() -> new Discovery(Discovery.Kind.INVALID, null, "invalid DMARC record"));
    }

    /** The parts of a DMARC record (RFC 7489 §6.3) that decide a message's fate. */
    record DmarcRecord(Policy policy, Optional<Policy> subdomainPolicy, int percent, boolean strictDkim,
            boolean strictSpf) {

        static Optional<DmarcRecord> parse(String text) {
            Map<String, String> tags;
            try {
                tags = TagList.parse(text);
            } catch (TagList.SyntaxException e) {
                return Optional.empty();
            }
            if (tags.isEmpty() || !tags.keySet().iterator().next().equals("v") || !"DMARC1".equals(tags.get("v"))) {
                return Optional.empty();
            }
            boolean hasRua = !tags.getOrDefault("rua", "").isBlank();
            Optional<Policy> p = policy(tags.get("p"));
            Optional<Policy> sp = tags.containsKey("sp") ? policy(tags.get("sp")) : Optional.empty();
            boolean spInvalid = tags.containsKey("sp") && sp.isEmpty();
            if (p.isEmpty() || spInvalid) {
                if (!hasRua) {
                    return Optional.empty();
                }
                // §6.6.3 step 6: with a valid rua, act as if p=none.
                return Optional.of(new DmarcRecord(Policy.NONE, Optional.empty(), 100, false, false));
            }
            int pct = 100;
            String pctText = tags.get("pct");
            if (pctText != null && pctText.matches("[0-9]{1,3}")) {
                int v = Integer.parseInt(pctText);
                if (v <= 100) {
                    pct = v;
                }
            }
            return Optional.of(new DmarcRecord(p.get(), sp, pct, "s".equalsIgnoreCase(tags.get("adkim")),
                    "s".equalsIgnoreCase(tags.get("aspf"))));
        }

        private static Optional<Policy> policy(String value) {
            if (value == null) {
                return Optional.empty();
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "none" -> Optional.of(Policy.NONE);
                case "quarantine" -> Optional.of(Policy.QUARANTINE);
                case "reject" -> Optional.of(Policy.REJECT);
                default -> Optional.empty();
            };
        }
    }

    /** The RFC5322.From domain, or why there is none. */
    record FromDomain(Optional<DomainName> domain, String problem) {}

    static FromDomain fromDomain(HeaderBlock headers) {
        List<HeaderBlock.Field> from = headers.fields("From");
        if (from.isEmpty()) {
            return new FromDomain(Optional.empty(), "no From header");
        }
        if (from.size() > 1) {
            return new FromDomain(Optional.empty(), "several From headers");
        }
        String value = from.get(0).unfoldedValue();
        if (value.length() > MAX_FROM_FIELD_CHARS) {
            return new FromDomain(Optional.empty(), "From header too long");
        }
        AddressList list;
        try {
            list = DefaultAddressParser.DEFAULT.parseAddressList(value);
        } catch (ParseException | RuntimeException e) {
            try {
                list = LenientAddressParser.DEFAULT.parseAddressList(value);
            } catch (RuntimeException e2) {
                return new FromDomain(Optional.empty(), "unparseable From header");
            }
        }
        MailboxList mailboxes = list.flatten();
        if (list.size() != 1 || !(list.get(0) instanceof Mailbox) || mailboxes.size() != 1) {
            return new FromDomain(Optional.empty(), "From must hold exactly one address");
        }
        Mailbox mailbox = mailboxes.get(0);
        Optional<DomainName> domain = SpfCheck.parseDomain(mailbox.getDomain());
        if (domain.isEmpty() || mailbox.getLocalPart() == null || mailbox.getLocalPart().isEmpty()) {
            return new FromDomain(Optional.empty(), "From address has no valid domain");
        }
        return new FromDomain(domain, "");
    }
}

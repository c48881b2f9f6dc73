package org.postern.mta.checks;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.postern.model.DomainName;

/**
 * The DMARC verdict (RFC 7489) for a message.
 *
 * @param status the result (RFC 8601 names)
 * @param fromDomain the RFC5322.From domain, when there was exactly one valid From address
 * @param policyDomain where the policy record was found (the From domain or its organizational domain)
 * @param policy the policy that applies to the From domain (p=, or sp= for a subdomain), NONE without a record
 * @param disposition what the policy asks for this message after pct= sampling: NONE unless status is
 *     FAIL, or PERMERROR for a From header that is not exactly one address (then REJECT)
 * @param spfAligned whether SPF passed for a domain aligned with the From domain
 * @param dkimAligned whether a DKIM signature passed for a domain aligned with the From domain
 * @param reason a short fixed text from this package, empty if none
 */
public record DmarcResult(
        Status status,
        Optional<DomainName> fromDomain,
        Optional<DomainName> policyDomain,
        Policy policy,
        Policy disposition,
        boolean spfAligned,
        boolean dkimAligned,
        String reason) {

    /** RFC 8601 §2.7.3 results. */
    public enum Status {
        PASS, FAIL, NONE, TEMPERROR, PERMERROR;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A DMARC policy or disposition (p=, sp=). */
    public enum Policy {
        NONE, QUARANTINE, REJECT;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DmarcResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(disposition, "disposition");
        reason = reason == null ? "" : reason;
    }
}

package org.postern.mta.checks;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.postern.model.DomainName;

/**
 * The verdict on one DKIM-Signature header field.
 *
 * @param status the result (RFC 8601 §2.7.1 names)
 * @param domain the signing domain (d=) when it parsed as a domain name
 * @param selector the selector (s=) when it is a safe DNS label sequence, else empty
 * @param signaturePrefix the first 8 characters of b= (base64 characters only), else empty
 * @param algorithm {@code rsa-sha256} or {@code ed25519-sha256} when recognised, else empty
 * @param testing whether the key is flagged as testing (t=y)
 * @param reason a short fixed text from this package, empty for a plain pass
 */
public record DkimResult(
        Status status,
        Optional<DomainName> domain,
        String selector,
        String signaturePrefix,
        String algorithm,
        boolean testing,
        String reason) {

    /** RFC 8601 §2.7.1 results for one signature. */
    public enum Status {
        /** The signature verified over the whole body. */
        PASS,
        /** The signature, the body hash or the time window does not verify, or the key is revoked. */
        FAIL,
        /**
         * The signature verifies, but only over the first l= bytes of a longer body: content after
         * it is unsigned, so Postern does not count it as authenticating anything.
         */
        POLICY,
        /** Well-formed but not verifiable here: an unsupported version, algorithm (rsa-sha1), canonicalisation or q=. */
        NEUTRAL,
        /** A DNS failure or exhausted budget, or the message could not be read. */
        TEMPERROR,
        /** Malformed signature or key record, missing key, inapplicable key (k=, h=, s=, t=s), From unsigned. */
        PERMERROR;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DkimResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(domain, "domain");
        selector = selector == null ? "" : selector;
        signaturePrefix = signaturePrefix == null ? "" : signaturePrefix;
        algorithm = algorithm == null ? "" : algorithm;
        reason = reason == null ? "" : reason;
    }

    /** True for a pass over the whole body: the only DKIM result DMARC may use. */
    public boolean authenticates() {
        return status == Status.PASS;
    }
}

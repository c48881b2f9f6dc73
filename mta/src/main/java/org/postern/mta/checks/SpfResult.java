package org.postern.mta.checks;

import java.util.Objects;
import java.util.Optional;
import org.postern.model.DomainName;

/**
 * The SPF verdict for one identity (RFC 7208 §2.6). It carries no explanation text: the
 * {@code exp=} modifier is never fetched, and {@code reason} is only ever written by Postern.
 *
 * @param status the result
 * @param identity which identity was checked: MAIL FROM, or HELO for a null reverse-path
 * @param domain the domain checked, empty when the identity held no usable domain
 * @param reason a short fixed text from this package for logs and comments, empty if none
 */
public record SpfResult(Status status, Identity identity, Optional<DomainName> domain, String reason) {

    /** RFC 7208 §2.6 results, named as in RFC 8601. */
    public enum Status {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        /** The token used in Authentication-Results and Received-SPF. */
        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The identity checked (RFC 7208 §2.3, §2.4). */
    public enum Identity {
        /** The domain of the MAIL FROM address. */
        MAILFROM,
        /** The HELO/EHLO name, checked because the reverse-path was null. */
        HELO
    }

    public SpfResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(domain, "domain");
        reason = reason == null ? "" : reason;
    }
}

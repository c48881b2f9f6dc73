package org.postern.mta.checks;

import java.util.Objects;
import java.util.Optional;
import org.postern.model.DomainName;

/**
 * The ARC chain validation status of a message (RFC 8617 §4.4, the "arc" method of RFC 8601).
 *
 * @param status none (no ARC fields), pass or fail
 * @param instances the number of ARC sets on the message (0 for none; what was found for fail)
 * @param sealer the d= of the newest ARC-Seal when it could be read: the last intermediary that
 *     vouched for the message
 * @param reason a short explanation for fail, empty otherwise
 */
public record ArcResult(Status status, int instances, Optional<DomainName> sealer, String reason) {

    /** The RFC 8617 chain validation statuses. */
    public enum Status {
        NONE, PASS, FAIL;

        /** The result keyword of the Authentication-Results "arc" method. */
        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ArcResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(sealer, "sealer");
        reason = reason == null ? "" : reason;
    }

    static ArcResult none() {
        return new ArcResult(Status.NONE, 0, Optional.empty(), "");
    }

    static ArcResult fail(int instances, Optional<DomainName> sealer, String reason) {
        return new ArcResult(Status.FAIL, instances, sealer, reason);
    }
}

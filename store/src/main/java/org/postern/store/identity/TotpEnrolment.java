package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A user's TOTP secret, sealed by the caller. Unconfirmed until the first valid code;
 * {@code lastUsedStep} is the latest time step whose code was accepted, so no code of that step
 * or an earlier one is accepted again (RFC 6238 section 5.2).
 */
public record TotpEnrolment(UserId userId, TenantId tenantId, byte[] sealedSecret, Instant createdAt,
        Optional<Instant> confirmedAt, long lastUsedStep) {

    public boolean confirmed() {
        return confirmedAt.isPresent();
    }

    @Override
    public String toString() {
        return "TotpEnrolment[" + userId + (confirmed() ? ", confirmed" : ", pending") + "]";
    }
}

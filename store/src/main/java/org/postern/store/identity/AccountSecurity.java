package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.EmailAddress;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A user's security state beside the {@code users} row. Absent from storage means
 * {@link #defaults}: an account the operator made, verified, without a recovery address.
 *
 * @param recoveryAddress where verification and recovery codes go
 * @param emailVerified whether the recovery address was proven; an unverified account can only finish verification
 * @param passwordChangedAt when the password last changed
 */
public record AccountSecurity(UserId userId, TenantId tenantId, Optional<EmailAddress> recoveryAddress,
        boolean emailVerified, Optional<Instant> passwordChangedAt) {
    public static AccountSecurity defaults(TenantId tenant, UserId user) {
        return new AccountSecurity(user, tenant, Optional.empty(), true, Optional.empty());
    }
}

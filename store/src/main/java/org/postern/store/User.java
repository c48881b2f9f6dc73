package org.postern.store;

import java.time.Instant;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * An account. {@code login} is the address the user signs in with (unique server-wide);
 * {@code passwordHash} is an Argon2id PHC string, never a password. {@code mfaRequired} is the
 * per-user switch an admin sets: this user must use a second factor whatever the tenant's policy.
 */
public record User(UserId id, TenantId tenantId, EmailAddress login, Role role, String passwordHash,
        boolean disabled, Instant createdAt, boolean mfaRequired) {

    @Override
    public String toString() {
        // Records print every component; the hash has no business in a log line.
        return "User[" + id + ", " + login.redacted() + ", " + role + (disabled ? ", disabled" : "") + "]";
    }
}

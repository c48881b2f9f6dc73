package org.postern.store;

import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** Accounts. Logins are unique server-wide. */
public interface UserRepository {
    /** @throws org.postern.model.ConflictException if the login is taken */
    User create(Scope scope, TenantId tenant, EmailAddress login, Role role, String passwordHash);

    Optional<User> byId(Scope scope, UserId id);

    Optional<User> byLogin(Scope scope, EmailAddress login);

    List<User> list(Scope scope);

    /** @return false when the user is not in scope */
    boolean setDisabled(Scope scope, UserId id, boolean disabled);

    boolean setPasswordHash(Scope scope, UserId id, String passwordHash);

    /**
     * Changes the role. A user scope may not change roles at all, and only a server-wide scope
     * may make or unmake a server admin. @return false when the user is not in scope
     */
    boolean setRole(Scope scope, UserId id, Role role);

    /**
     * Sets or clears the per-user "MFA required" switch. A user scope may not change it, and only a
     * server-wide scope may change a server admin's. @return false when the user is not in scope
     */
    boolean setMfaRequired(Scope scope, UserId id, boolean required);
}

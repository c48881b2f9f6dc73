package org.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.AddressId;
import org.postern.model.EmailAddress;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * Addresses. An address string, once created, belongs to that row forever: revoking keeps the row,
 * so a revoked address can never be created again by anyone.
 */
public interface AddressRepository {
    /** @throws org.postern.model.ConflictException if the address exists, active or revoked */
    Address create(Scope scope, TenantId tenant, UserId owner, EmailAddress address, byte[] sealedNote);

    Optional<Address> byId(Scope scope, AddressId id);

    Optional<Address> byAddress(Scope scope, EmailAddress address);

    /** Every address in scope, or only the owner's when {@code owner} is given. */
    List<Address> list(Scope scope, Optional<UserId> owner);

    /** Revokes an active or suspended address. @return false when not in scope or already revoked */
    boolean revoke(Scope scope, AddressId id, Instant at);

    /**
     * Suspends an active address ({@code suspended}) or reinstates a suspended one (not
     * {@code suspended}); a revoked address never changes. @return false when not in scope or not
     * in the state the change starts from
     */
    boolean setSuspended(Scope scope, AddressId id, boolean suspended);
}

package org.postern.mail.directory;

import java.util.Objects;
import java.util.Optional;
import org.postern.model.AddressId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * Where mail for one accepted address goes: its owner's account. {@code addressId} is the
 * address the mail was accepted for, empty when postmaster mail is routed to an administrator.
 */
public record Recipient(TenantId tenantId, UserId ownerId, Optional<AddressId> addressId) {
    public Recipient {
        Objects.requireNonNull(addressId, "addressId");
    }
}

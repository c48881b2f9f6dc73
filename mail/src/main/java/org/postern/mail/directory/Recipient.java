package org.postern.mail.directory;

import org.postern.model.AddressId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** Where mail for one accepted address goes: its owner's account. */
public record Recipient(TenantId tenantId, UserId ownerId, AddressId addressId) {}

package org.postern.store;

import java.time.Instant;
import org.postern.model.TenantId;

/** An organisation: owns domains and users, and is kept strictly apart from every other tenant. */
public record Tenant(TenantId id, String name, Instant createdAt) {}

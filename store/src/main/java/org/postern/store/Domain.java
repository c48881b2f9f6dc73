package org.postern.store;

import java.time.Instant;
import org.postern.model.DomainId;
import org.postern.model.DomainName;
import org.postern.model.TenantId;

/** A mail domain hosted for one tenant; a domain name is hosted at most once on the server. */
public record Domain(DomainId id, TenantId tenantId, DomainName name, Instant createdAt) {}

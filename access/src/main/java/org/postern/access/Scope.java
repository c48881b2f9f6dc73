package org.postern.access;

import java.util.Objects;
import java.util.Optional;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * What a query may reach: the whole server, one tenant, or one user in one tenant. Only
 * {@link AccessPolicy} can make one (the constructor is package-private), so a repository that
 * takes a Scope cannot be called with an access decision that was never made.
 */
public final class Scope {
    private final TenantId tenant;
    private final UserId user;

    Scope(TenantId tenant, UserId user) {
        if (user != null) {
            Objects.requireNonNull(tenant, "a user scope needs its tenant");
        }
        this.tenant = tenant;
        this.user = user;
    }

    /** The tenant this scope is limited to, or empty for a server-wide scope. */
    public Optional<TenantId> tenant() {
        return Optional.ofNullable(tenant);
    }

    /** The user this scope is limited to, or empty for a tenant- or server-wide scope. */
    public Optional<UserId> user() {
        return Optional.ofNullable(user);
    }

    public boolean isServerWide() {
        return tenant == null;
    }

    public boolean allowsTenant(TenantId candidate) {
        return tenant == null || tenant.equals(candidate);
    }

    /** True when a row owned by {@code owner} in {@code ownerTenant} is inside this scope. */
    public boolean allowsOwner(TenantId ownerTenant, UserId owner) {
        return allowsTenant(ownerTenant) && (user == null || user.equals(owner));
    }

    @Override
    public String toString() {
        return tenant == null ? "Scope[server]" : user == null ? "Scope[tenant " + tenant + "]"
                : "Scope[user " + user + " in " + tenant + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scope s && Objects.equals(tenant, s.tenant) && Objects.equals(user, s.user);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, user);
    }
}

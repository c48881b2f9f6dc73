package org.postern.access;

import java.util.Objects;
import org.postern.model.AccessDeniedException;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides who may see what. Every repository call takes a {@link Scope}, and
 * this is the only class that makes one. A refusal is logged as a security event and thrown as
 * {@link AccessDeniedException}; front ends answer it exactly as they answer "not found".
 */
public final class AccessPolicy {
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");

    /** The broadest scope the caller has: the server for operators and server admins, else narrower. */
    public Scope scopeFor(Caller caller) {
        Objects.requireNonNull(caller, "caller");
        return switch (caller) {
            case Caller.Operator o -> new Scope(null, null);
            case Caller.System s -> new Scope(null, null);
            case Caller.User u when u.role() == Role.SERVER_ADMIN -> new Scope(null, null);
            case Caller.User u when u.role() == Role.TENANT_ADMIN -> new Scope(u.tenantId(), null);
            case Caller.User u -> new Scope(u.tenantId(), u.userId());
        };
    }

    /** A scope limited to one tenant, for a caller allowed to administer it. */
    public Scope tenantScope(Caller caller, TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        Scope broadest = scopeFor(caller);
        if (!broadest.allowsTenant(tenant) || broadest.user().isPresent()) {
            throw deny(caller, "tenant " + tenant);
        }
        return new Scope(tenant, null);
    }

    /** A scope limited to one user's own data, for that user or someone who administers them. */
    public Scope userScope(Caller caller, TenantId tenant, UserId user) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(user, "user");
        if (!scopeFor(caller).allowsOwner(tenant, user)) {
            throw deny(caller, "user " + user);
        }
        return new Scope(tenant, user);
    }

    private static AccessDeniedException deny(Caller caller, String target) {
        SECURITY.warn("event=access.denied caller={} target={}", describe(caller), target);
        return new AccessDeniedException("access denied");
    }

    private static String describe(Caller caller) {
        return switch (caller) {
            case Caller.Operator o -> "operator";
            case Caller.System s -> "system:" + s.component();
            case Caller.User u -> "user:" + u.userId();
        };
    }
}

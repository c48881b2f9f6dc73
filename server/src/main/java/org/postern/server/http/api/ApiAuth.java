package org.postern.server.http.api;

import io.javalin.http.Context;
import org.postern.auth.Identity;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.server.http.RequestGuard;
import org.postern.store.identity.SessionLevel;

/** Who is calling: the bearer credential of the Authorization header, checked by the identity service. */
final class ApiAuth {
    private final Identity identity;

    ApiAuth(Identity identity) {
        this.identity = identity;
    }

    /** A caller with full powers (a full session, or an API token); restricted sessions are refused. */
    Principal principal(Context ctx) {
        Principal p = principalAnyLevel(ctx);
        if (p.level() != SessionLevel.FULL) {
            throw new ApiErrors.Restricted(p.level());
        }
        return p;
    }

    /** Any authenticated caller, also one whose session may only enrol MFA or verify its address. */
    Principal principalAnyLevel(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiErrors.Unauthenticated();
        }
        return bearer(ctx, header.substring(7).strip());
    }

    /**
     * The caller holding {@code credential} (an access token or an API token), however the
     * client sent it; also charges the caller's per-user rate limit and names them in the access log.
     */
    Principal bearer(Context ctx, String credential) {
        Principal p;
        try {
            p = identity.bearer().authenticate(credential);
        } catch (org.postern.model.AccessDeniedException e) {
            throw new ApiErrors.Unauthenticated();
        }
        RequestGuard.authenticated(ctx, p.caller().userId().toString());
        return p;
    }

    /** The peer address as the socket saw it (no forwarding header is trusted) and the User-Agent. */
    static ClientInfo client(Context ctx) {
        return new ClientInfo(ctx.req().getRemoteAddr(), ctx.userAgent());
    }
}

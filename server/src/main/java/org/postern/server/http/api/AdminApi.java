package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import org.postern.access.Caller;
import org.postern.auth.Identity;
import org.postern.auth.account.Invitations;
import org.postern.auth.signin.Principal;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.TenantPolicy;

/**
 * Admin endpoints of identity under {@code /api/v1/admin}: invitations, ending a user's sessions,
 * the admin-approved MFA reset, and a tenant's security policy. The access policy decides whether
 * the caller administers the target; a session must be full, an API token needs scope "admin".
 */
public final class AdminApi {
    private static final String PREFIX = IdentityApi.PREFIX + "/admin";

    private final Identity identity;
    private final ApiAuth auth;

    public AdminApi(Identity identity) {
        this.identity = identity;
        this.auth = new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        routes.post(PREFIX + "/invites", this::invite);
        routes.post(PREFIX + "/users/{id}/sessions/end-all", this::endSessions);
        routes.post(PREFIX + "/users/{id}/mfa/reset", this::resetMfa);
        routes.get(PREFIX + "/tenants/{id}/security", this::tenantPolicy);
        routes.put(PREFIX + "/tenants/{id}/security", this::setTenantPolicy);
    }

    private Caller.User admin(Context ctx) {
        Principal p = auth.principal(ctx);
        p.requireApiScope("admin");
        if (!p.caller().role().isAdmin()) {
            throw new org.postern.model.AccessDeniedException("not an admin");
        }
        return p.caller();
    }

    private void invite(Context ctx) {
        Caller.User admin = admin(ctx);
        JsonNode body = ApiJson.body(ctx);
        Role role = ApiJson.optionalText(body, "role").map(Role::parse).orElse(Role.USER);
        Invitations.Created created = identity.invitations().create(admin, EmailAddress.parse(ApiJson.text(body, "login")),
                role, ApiAuth.client(ctx));
        ApiJson.send(ctx, 201, ApiJson.object()
                .put("id", created.invite().id().toString())
                .put("login", created.invite().login().toString())
                .put("role", created.invite().role().label())
                .put("token", created.token())
                .put("expires_at", created.invite().expiresAt().toString()));
    }

    private void endSessions(Context ctx) {
        Caller.User admin = admin(ctx);
        int ended = identity.sessions().endAllOf(admin, UserId.parse(ctx.pathParam("id")), ApiAuth.client(ctx));
        ApiJson.send(ctx, 200, ApiJson.object().put("sessions_ended", ended));
    }

    private void resetMfa(Context ctx) {
        Caller.User admin = admin(ctx);
        identity.mfa().adminReset(admin, UserId.parse(ctx.pathParam("id")), ApiAuth.client(ctx));
        ctx.status(204);
    }

    private void tenantPolicy(Context ctx) {
        Caller.User admin = admin(ctx);
        send(ctx, identity.tenantSecurity().policy(admin, TenantId.parse(ctx.pathParam("id"))));
    }

    private void setTenantPolicy(Context ctx) {
        Caller.User admin = admin(ctx);
        JsonNode body = ApiJson.body(ctx);
        JsonNode require = body.get("require_mfa");
        if (require == null || !require.isBoolean()) {
            throw new InvalidInputException("require_mfa must be true or false");
        }
        RiskMode mode;
        try {
            mode = RiskMode.valueOf(ApiJson.text(body, "risk_mode").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("risk_mode must be off, audit or enforced");
        }
        send(ctx, identity.tenantSecurity().setPolicy(admin, TenantId.parse(ctx.pathParam("id")), require.asBoolean(),
                mode, ApiAuth.client(ctx)));
    }

    private static void send(Context ctx, TenantPolicy policy) {
        ApiJson.send(ctx, 200, ApiJson.object()
                .put("tenant_id", policy.tenantId().toString())
                .put("require_mfa", policy.requireMfa())
                .put("risk_mode", policy.riskMode().name().toLowerCase(Locale.ROOT)));
    }
}

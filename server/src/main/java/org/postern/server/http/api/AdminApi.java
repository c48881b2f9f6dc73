package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.postern.auth.admin.SendingLimits;
import org.postern.model.SubmissionLimits;
import org.postern.store.TenantLimits;
import org.postern.auth.audit.AuditEvent;
import org.postern.auth.signin.AuditEvents;
import org.postern.mail.directory.Directory;
import org.postern.model.DomainName;
import org.postern.model.NotFoundException;
import org.postern.store.Domain;
import org.postern.store.Tenant;
import org.postern.store.User;
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
 * Admin endpoints under {@code /api/v1/admin}: tenants (server admins create them), a tenant's
 * domains, users and audit log, invitations, disabling and enabling a user, changing a role,
 * requiring MFA of one user, ending a user's sessions, the admin-approved MFA reset, and a
 * tenant's security policy (which can require MFA of everyone) and submission limits. A tenant or user the caller does
 * not administer is "not found", exactly as one that does not exist. Every change is audited.
 * The access policy decides whether the caller administers the target; a session must be full,
 * an API token needs scope "admin".
 */
public final class AdminApi {
    private static final String PREFIX = IdentityApi.PREFIX + "/admin";

    private final Identity identity;
    private final Directory directory;
    private final ApiAuth auth;
    private final SendingLimits sendingLimits;

    public AdminApi(Identity identity, Directory directory, SendingLimits sendingLimits) {
        this.identity = identity;
        this.directory = directory;
        this.sendingLimits = sendingLimits;
        this.auth = new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        routes.post(PREFIX + "/invites", this::invite);
        routes.post(PREFIX + "/users/{id}/sessions/end-all", this::endSessions);
        routes.post(PREFIX + "/users/{id}/mfa/reset", this::resetMfa);
        routes.get(PREFIX + "/tenants/{id}/security", this::tenantPolicy);
        routes.put(PREFIX + "/tenants/{id}/security", this::setTenantPolicy);
        routes.get(PREFIX + "/tenants/{id}/limits", this::tenantLimits);
        routes.put(PREFIX + "/tenants/{id}/limits", this::setTenantLimits);
        routes.get(PREFIX + "/tenants", this::tenants);
        routes.post(PREFIX + "/tenants", this::createTenant);
        routes.get(PREFIX + "/tenants/{id}/domains", this::domains);
        routes.post(PREFIX + "/tenants/{id}/domains", this::addDomain);
        routes.get(PREFIX + "/tenants/{id}/users", this::users);
        routes.get(PREFIX + "/tenants/{id}/audit-log", this::tenantAuditLog);
        routes.get(PREFIX + "/users/{id}", this::user);
        routes.post(PREFIX + "/users/{id}/disable", ctx -> setDisabled(ctx, true));
        routes.post(PREFIX + "/users/{id}/enable", ctx -> setDisabled(ctx, false));
        routes.put(PREFIX + "/users/{id}/role", this::setRole);
        routes.put(PREFIX + "/users/{id}/require-mfa", this::setRequireMfa);
    }

    // ---- tenants, domains, users

    /** The tenant if the caller administers it; else "not found", whether or not it exists. */
    private Tenant tenant(Caller.User admin, Context ctx) {
        TenantId id = TenantId.parse(ctx.pathParam("id"));
        return directory.tenants(admin).stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("no such tenant"));
    }

    /**
     * The user if the caller administers them; else "not found". A server admin lives in some
     * tenant, but that tenant's admins do not administer them.
     */
    private User user(Caller.User admin, Context ctx) {
        UserId id = UserId.parse(ctx.pathParam("id"));
        return directory.users(admin).stream()
                .filter(u -> u.id().equals(id))
                .filter(u -> u.role() != Role.SERVER_ADMIN || admin.role() == Role.SERVER_ADMIN)
                .findFirst()
                .orElseThrow(() -> new NotFoundException("no such user"));
    }

    private void tenants(Context ctx) {
        Caller.User admin = admin(ctx);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        directory.tenants(admin).forEach(t -> list.add(json(t)));
        ApiJson.send(ctx, 200, ApiJson.object().set("tenants", list));
    }

    private void createTenant(Context ctx) {
        Caller.User admin = admin(ctx);
        Tenant created = directory.addTenant(admin, ApiJson.text(ApiJson.body(ctx), "name"));
        identity.audit().record(new AuditEvent(Optional.of(created.id()), Optional.empty(), AuditEvents.actor(admin),
                "tenant.create", "success", ApiAuth.client(ctx).ip(), ApiAuth.client(ctx).userAgent(),
                Map.of("tenant", created.id().toString())));
        ApiJson.send(ctx, 201, json(created));
    }

    private void domains(Context ctx) {
        Caller.User admin = admin(ctx);
        Tenant tenant = tenant(admin, ctx);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        directory.domains(admin).stream().filter(d -> d.tenantId().equals(tenant.id()))
                .forEach(d -> list.add(json(d)));
        ApiJson.send(ctx, 200, ApiJson.object().set("domains", list));
    }

    private void addDomain(Context ctx) {
        Caller.User admin = admin(ctx);
        Tenant tenant = tenant(admin, ctx);
        DomainName name = DomainName.parse(ApiJson.text(ApiJson.body(ctx), "name"));
        Domain added = directory.addDomain(admin, name, Optional.of(tenant.name()));
        identity.audit().record(new AuditEvent(Optional.of(tenant.id()), Optional.empty(), AuditEvents.actor(admin),
                "domain.add", "success", ApiAuth.client(ctx).ip(), ApiAuth.client(ctx).userAgent(),
                Map.of("domain", added.name().toString())));
        ApiJson.send(ctx, 201, json(added));
    }

    private void users(Context ctx) {
        Caller.User admin = admin(ctx);
        Tenant tenant = tenant(admin, ctx);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        directory.users(admin).stream()
                .filter(u -> u.tenantId().equals(tenant.id()))
                .filter(u -> u.role() != Role.SERVER_ADMIN || admin.role() == Role.SERVER_ADMIN)
                .forEach(u -> list.add(json(u)));
        ApiJson.send(ctx, 200, ApiJson.object().set("users", list));
    }

    private void user(Context ctx) {
        Caller.User admin = admin(ctx);
        ApiJson.send(ctx, 200, json(user(admin, ctx)));
    }

    /** A disabled user cannot sign in, their tokens stop working, and their addresses are refused at RCPT. */
    private void setDisabled(Context ctx, boolean disabled) {
        Caller.User admin = admin(ctx);
        User target = user(admin, ctx);
        if (target.id().equals(admin.userId())) {
            throw new InvalidInputException("an admin cannot disable or enable their own account");
        }
        directory.setDisabled(admin, target.login(), disabled);
        int ended = disabled ? identity.sessions().endAllOf(admin, target.id(), ApiAuth.client(ctx)) : 0;
        identity.audit().record(AuditEvents.about(target, AuditEvents.actor(admin), disabled ? "user.disable" : "user.enable",
                "success", ApiAuth.client(ctx), Map.of("sessions_ended", Integer.toString(ended))));
        ApiJson.send(ctx, 200, json(user(admin, ctx)));
    }

    private void setRole(Context ctx) {
        Caller.User admin = admin(ctx);
        User target = user(admin, ctx);
        if (target.id().equals(admin.userId())) {
            throw new InvalidInputException("an admin cannot change their own role");
        }
        Role role = Role.parse(ApiJson.text(ApiJson.body(ctx), "role"));
        // RoleChange audits the change and ends the user's sessions (their tokens carry the old role).
        ApiJson.send(ctx, 200, json(identity.roleChange().change(admin, target.login(), role, ApiAuth.client(ctx))));
    }

    /** The per-user switch beside the tenant policy; MfaRequirement audits it and ends an unenrolled user's sessions. */
    private void setRequireMfa(Context ctx) {
        Caller.User admin = admin(ctx);
        User target = user(admin, ctx);
        JsonNode require = ApiJson.body(ctx).get("require_mfa");
        if (require == null || !require.isBoolean()) {
            throw new InvalidInputException("require_mfa must be true or false");
        }
        identity.mfaRequirement().set(admin, target.id(), require.asBoolean(), ApiAuth.client(ctx));
        ApiJson.send(ctx, 200, json(user(admin, ctx)));
    }

    private void tenantAuditLog(Context ctx) {
        Caller.User admin = admin(ctx);
        Tenant tenant = tenant(admin, ctx);
        Optional<UserId> subject = Optional.ofNullable(ctx.queryParam("user")).map(UserId::parse);
        IdentityApi.AuditPaging paging = IdentityApi.AuditPaging.of(ctx);
        ApiJson.send(ctx, 200, IdentityApi.auditPage(identity.tenantSecurity().tenantAuditLog(admin, tenant.id(), subject,
                paging.before(), paging.limit()), paging.limit()));
    }

    static ObjectNode json(Tenant t) {
        return ApiJson.object().put("id", t.id().toString()).put("name", t.name()).put("created_at", t.createdAt().toString());
    }

    static ObjectNode json(Domain d) {
        return ApiJson.object().put("id", d.id().toString()).put("tenant_id", d.tenantId().toString())
                .put("name", d.name().toString()).put("created_at", d.createdAt().toString());
    }

    static ObjectNode json(User u) {
        return ApiJson.object().put("id", u.id().toString()).put("tenant_id", u.tenantId().toString())
                .put("login", u.login().toString()).put("role", u.role().label()).put("disabled", u.disabled())
                .put("require_mfa", u.mfaRequired()).put("created_at", u.createdAt().toString());
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
        user(admin, ctx);
        int ended = identity.sessions().endAllOf(admin, UserId.parse(ctx.pathParam("id")), ApiAuth.client(ctx));
        ApiJson.send(ctx, 200, ApiJson.object().put("sessions_ended", ended));
    }

    private void resetMfa(Context ctx) {
        Caller.User admin = admin(ctx);
        user(admin, ctx);
        identity.mfa().adminReset(admin, UserId.parse(ctx.pathParam("id")), ApiAuth.client(ctx));
        ctx.status(204);
    }

    private void tenantPolicy(Context ctx) {
        Caller.User admin = admin(ctx);
        send(ctx, identity.tenantSecurity().policy(admin, tenant(admin, ctx).id()));
    }

    private void setTenantPolicy(Context ctx) {
        Caller.User admin = admin(ctx);
        tenant(admin, ctx);
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
        send(ctx, identity.tenantSecurity().setPolicy(admin, tenant(admin, ctx).id(), require.asBoolean(),
                mode, ApiAuth.client(ctx)));
    }

    private void tenantLimits(Context ctx) {
        Caller.User admin = admin(ctx);
        send(ctx, sendingLimits.view(admin, tenant(admin, ctx).id()));
    }

    /**
     * Replaces the tenant's overrides: each field a whole number, or null or absent for the server's
     * default. Validated here, each error naming its field; the ceiling for tenant admins is
     * {@link SendingLimits}'s rule.
     */
    private void setTenantLimits(Context ctx) {
        Caller.User admin = admin(ctx);
        Tenant tenant = tenant(admin, ctx);
        JsonNode body = ApiJson.body(ctx);
        if (!body.isObject()) {
            throw new InvalidInputException("the body must be a JSON object");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!LIMIT_FIELDS.contains(name)) {
                throw new InvalidInputException("unknown field " + (name.length() > 64 ? name.substring(0, 64) : name)
                        + "; expected max_message_bytes, max_recipients or messages_per_hour");
            }
        });
        OptionalLong size = limit(body, "max_message_bytes");
        OptionalLong recipients = limit(body, "max_recipients");
        OptionalLong perHour = limit(body, "messages_per_hour");
        TenantLimits requested = new TenantLimits(tenant.id(),
                size.isPresent() ? OptionalLong.of(SubmissionLimits.checkMessageBytes("max_message_bytes",
                        size.getAsLong())) : OptionalLong.empty(),
                recipients.isPresent() ? OptionalInt.of(SubmissionLimits.checkRecipients("max_recipients",
                        recipients.getAsLong())) : OptionalInt.empty(),
                perHour.isPresent() ? OptionalInt.of(SubmissionLimits.checkMessagesPerHour("messages_per_hour",
                        perHour.getAsLong())) : OptionalInt.empty());
        send(ctx, sendingLimits.set(admin, tenant.id(), requested, ApiAuth.client(ctx)));
    }

    private static final Set<String> LIMIT_FIELDS = Set.of("max_message_bytes", "max_recipients", "messages_per_hour");

    private static OptionalLong limit(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return OptionalLong.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidInputException(field + " must be a whole number or null (the server's default)");
        }
        return OptionalLong.of(node.asLong());
    }

    private static void send(Context ctx, SendingLimits.View view) {
        ObjectNode overrides = ApiJson.object();
        TenantLimits o = view.overrides();
        if (o.maxMessageBytes().isPresent()) {
            overrides.put("max_message_bytes", o.maxMessageBytes().getAsLong());
        } else {
            overrides.putNull("max_message_bytes");
        }
        if (o.maxRecipients().isPresent()) {
            overrides.put("max_recipients", o.maxRecipients().getAsInt());
        } else {
            overrides.putNull("max_recipients");
        }
        if (o.messagesPerHour().isPresent()) {
            overrides.put("messages_per_hour", o.messagesPerHour().getAsInt());
        } else {
            overrides.putNull("messages_per_hour");
        }
        ObjectNode out = json(view.effective()).put("tenant_id", o.tenantId().toString());
        out.set("overrides", overrides);
        out.set("server", json(view.server()));
        ApiJson.send(ctx, 200, out);
    }

    private static ObjectNode json(SubmissionLimits l) {
        return ApiJson.object().put("max_message_bytes", l.maxMessageBytes()).put("max_recipients", l.maxRecipients())
                .put("messages_per_hour", l.messagesPerHour());
    }

    private static void send(Context ctx, TenantPolicy policy) {
        ApiJson.send(ctx, 200, ApiJson.object()
                .put("tenant_id", policy.tenantId().toString())
                .put("require_mfa", policy.requireMfa())
                .put("risk_mode", policy.riskMode().name().toLowerCase(Locale.ROOT)));
    }
}

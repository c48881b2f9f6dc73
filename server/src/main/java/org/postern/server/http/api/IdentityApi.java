package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.auth.Identity;
import org.postern.auth.credential.CreatedCredential;
import org.postern.auth.mfa.MfaConfirmed;
import org.postern.auth.mfa.TotpSetup;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SignInResult;
import org.postern.auth.signin.TokenPair;
import org.postern.model.AccessDeniedException;
import org.postern.model.CredentialId;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.SessionId;
import org.postern.model.UserId;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.AuditQuery;
import org.postern.store.identity.AuthSession;
import org.postern.store.identity.Credential;
import org.postern.store.identity.CredentialKind;

/**
 * The account and sign-in endpoints under {@code /api/v1/auth}, {@code /api/v1/me} and
 * {@code /api/v1/audit-log}, plus the JWKS. Every handler hands the work to {@link Identity}.
 */
public final class IdentityApi {
    static final String PREFIX = "/api/v1";

    private final Identity identity;
    private final ApiAuth auth;

    public IdentityApi(Identity identity) {
        this.identity = identity;
        this.auth = new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        routes.get("/.well-known/jwks.json", this::jwks);
        routes.get(PREFIX + "/auth/jwks", this::jwks);
        routes.post(PREFIX + "/auth/sign-in", this::signIn);
        routes.post(PREFIX + "/auth/sign-in/second-factor", this::secondFactor);
        routes.post(PREFIX + "/auth/refresh", this::refresh);
        routes.post(PREFIX + "/auth/sign-out", this::signOut);
        routes.get(PREFIX + "/auth/sessions", this::sessions);
        routes.delete(PREFIX + "/auth/sessions/{id}", this::endSession);
        routes.post(PREFIX + "/auth/sessions/end-all", this::endAllSessions);
        routes.get(PREFIX + "/auth/mfa", this::mfaStatus);
        routes.post(PREFIX + "/auth/mfa/totp", this::beginTotp);
        routes.post(PREFIX + "/auth/mfa/totp/confirm", this::confirmTotp);
        routes.post(PREFIX + "/auth/mfa/totp/disable", this::disableTotp);
        routes.post(PREFIX + "/auth/mfa/recovery-codes", this::recoveryCodes);
        routes.get(PREFIX + "/auth/app-passwords", ctx -> listCredentials(ctx, CredentialKind.APP_PASSWORD));
        routes.post(PREFIX + "/auth/app-passwords", this::createAppPassword);
        routes.delete(PREFIX + "/auth/app-passwords/{id}", this::revokeCredential);
        routes.get(PREFIX + "/auth/api-tokens", ctx -> listCredentials(ctx, CredentialKind.API_TOKEN));
        routes.post(PREFIX + "/auth/api-tokens", this::createApiToken);
        routes.delete(PREFIX + "/auth/api-tokens/{id}", this::revokeCredential);
        routes.post(PREFIX + "/auth/invites/accept", this::acceptInvite);
        routes.post(PREFIX + "/auth/verify-email", this::verifyEmail);
        routes.post(PREFIX + "/auth/verify-email/resend", this::resendVerification);
        routes.post(PREFIX + "/auth/recovery", this::startRecovery);
        routes.post(PREFIX + "/auth/recovery/complete", this::completeRecovery);
        routes.post(PREFIX + "/auth/password", this::changePassword);
        routes.get(PREFIX + "/me", this::me);
        routes.get(PREFIX + "/audit-log", this::auditLog);
    }

    // ---- sign-in

    private void jwks(Context ctx) {
        ctx.status(200).contentType(ApiJson.CONTENT_TYPE).result(identity.tokens().jwksJson());
    }

    private void signIn(Context ctx) {
        JsonNode body = ApiJson.body(ctx);
        String login = ApiJson.text(body, "login");
        char[] password = ApiJson.secret(body, "password");
        answer(ctx, identity.signIn().withPassword(login, password, ApiAuth.client(ctx)));
    }

    private void secondFactor(Context ctx) {
        JsonNode body = ApiJson.body(ctx);
        answer(ctx, identity.signIn().withSecondFactor(ApiJson.text(body, "challenge"), ApiJson.text(body, "code"),
                ApiAuth.client(ctx)));
    }

    private static void answer(Context ctx, SignInResult result) {
        switch (result) {
            case SignInResult.SignedIn(TokenPair tokens) -> ApiJson.send(ctx, 200, tokens(tokens));
            case SignInResult.SecondFactorRequired(String challenge) -> ApiJson.send(ctx, 200,
                    ApiJson.object().put("second_factor_required", true).put("challenge", challenge));
            case SignInResult.Refused() -> ApiErrors.send(ctx, 401, "invalid_credentials");
        }
    }

    private void refresh(Context ctx) {
        JsonNode body = ApiJson.body(ctx);
        try {
            ApiJson.send(ctx, 200, tokens(identity.signIn().refresh(ApiJson.text(body, "refresh_token"),
                    ApiAuth.client(ctx))));
        } catch (AccessDeniedException e) {
            ApiErrors.send(ctx, 401, "invalid_grant");
        }
    }

    private void signOut(Context ctx) {
        Principal p = auth.principalAnyLevel(ctx);
        if (p.session().isEmpty()) {
            throw new AccessDeniedException("an API token is revoked, not signed out");
        }
        identity.sessions().signOut(p, ApiAuth.client(ctx));
        ctx.status(204);
    }

    static ObjectNode tokens(TokenPair t) {
        return ApiJson.object()
                .put("access_token", t.accessToken())
                .put("token_type", "Bearer")
                .put("expires_in", t.accessTokenLifetime().toSeconds())
                .put("refresh_token", t.refreshToken())
                .put("refresh_token_expires_at", t.refreshTokenExpiresAt().toString())
                .put("session_id", t.sessionId().toString())
                .put("level", t.level().name().toLowerCase(java.util.Locale.ROOT));
    }

    // ---- sessions

    private void sessions(Context ctx) {
        Principal p = auth.principal(ctx);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        for (AuthSession s : identity.sessions().list(p)) {
            list.add(ApiJson.object()
                    .put("id", s.id().toString())
                    .put("device", s.device())
                    .put("ip", s.ip())
                    .put("created_at", s.createdAt().toString())
                    .put("last_seen_at", s.lastSeenAt().toString())
                    .put("current", p.session().map(s.id()::equals).orElse(false)));
        }
        ApiJson.send(ctx, 200, ApiJson.object().set("sessions", list));
    }

    private void endSession(Context ctx) {
        Principal p = auth.principal(ctx);
        identity.sessions().end(p, SessionId.parse(ctx.pathParam("id")), ApiAuth.client(ctx));
        ctx.status(204);
    }

    private void endAllSessions(Context ctx) {
        Principal p = auth.principal(ctx);
        int ended = identity.sessions().endAll(p, ApiAuth.client(ctx));
        ApiJson.send(ctx, 200, ApiJson.object().put("sessions_ended", ended));
    }

    // ---- MFA

    private void mfaStatus(Context ctx) {
        var status = identity.mfa().status(auth.principal(ctx));
        ApiJson.send(ctx, 200, ApiJson.object().put("totp_enrolled", status.enrolled())
                .put("recovery_codes_left", status.recoveryCodesLeft()));
    }

    private void beginTotp(Context ctx) {
        TotpSetup setup = identity.mfa().begin(auth.principalAnyLevel(ctx), ApiAuth.client(ctx));
        // The QR code is drawn here (zxing), never by a third-party service: it holds the secret.
        ApiJson.send(ctx, 200, ApiJson.object().put("secret", setup.secretBase32()).put("otpauth_uri", setup.otpauthUri())
                .put("qr_svg", QrCode.svg(setup.otpauthUri())));
    }

    private void confirmTotp(Context ctx) {
        Principal p = auth.principalAnyLevel(ctx);
        MfaConfirmed confirmed = identity.mfa().confirm(p, ApiJson.text(ApiJson.body(ctx), "code"), ApiAuth.client(ctx));
        ObjectNode out = ApiJson.object();
        ArrayNode codes = out.putArray("recovery_codes");
        confirmed.recoveryCodes().forEach(codes::add);
        out.set("tokens", tokens(confirmed.tokens()));
        ApiJson.send(ctx, 200, out);
    }

    private void disableTotp(Context ctx) {
        identity.mfa().disable(auth.principal(ctx), ApiJson.text(ApiJson.body(ctx), "code"), ApiAuth.client(ctx));
        ctx.status(204);
    }

    private void recoveryCodes(Context ctx) {
        List<String> codes = identity.mfa().regenerateRecoveryCodes(auth.principal(ctx),
                ApiJson.text(ApiJson.body(ctx), "code"), ApiAuth.client(ctx));
        ObjectNode out = ApiJson.object();
        ArrayNode list = out.putArray("recovery_codes");
        codes.forEach(list::add);
        ApiJson.send(ctx, 200, out);
    }

    // ---- app passwords and API tokens

    private void listCredentials(Context ctx, CredentialKind kind) {
        Principal p = auth.principal(ctx);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        for (Credential c : identity.credentials().list(p, kind)) {
            list.add(credential(c));
        }
        ApiJson.send(ctx, 200, ApiJson.object().set(kind == CredentialKind.APP_PASSWORD ? "app_passwords" : "api_tokens", list));
    }

    private void createAppPassword(Context ctx) {
        Principal p = auth.principal(ctx);
        JsonNode body = ApiJson.body(ctx);
        CreatedCredential created = identity.credentials().createAppPassword(p, ApiJson.text(body, "name"),
                scopes(body, Set.of("imap", "smtp")), ApiAuth.client(ctx));
        ApiJson.send(ctx, 201, credential(created.credential()).put("secret", created.secret()));
    }

    private void createApiToken(Context ctx) {
        Principal p = auth.principal(ctx);
        JsonNode body = ApiJson.body(ctx);
        Optional<Duration> lifetime = Optional.empty();
        JsonNode days = body.get("expires_in_days");
        if (days != null && !days.isNull()) {
            if (!days.canConvertToInt() || days.asInt() < 1) {
                throw new InvalidInputException("expires_in_days must be a positive whole number");
            }
            lifetime = Optional.of(Duration.ofDays(days.asInt()));
        }
        CreatedCredential created = identity.credentials().createApiToken(p, ApiJson.text(body, "name"),
                scopes(body, null), lifetime, ApiAuth.client(ctx));
        ApiJson.send(ctx, 201, credential(created.credential()).put("secret", created.secret()));
    }

    private void revokeCredential(Context ctx) {
        identity.credentials().revoke(auth.principal(ctx), CredentialId.parse(ctx.pathParam("id")), ApiAuth.client(ctx));
        ctx.status(204);
    }

    private static Set<String> scopes(JsonNode body, Set<String> fallback) {
        JsonNode node = body.get("scopes");
        if (node == null || node.isNull()) {
            if (fallback == null) {
                throw new InvalidInputException("scopes is required");
            }
            return fallback;
        }
        if (!node.isArray() || node.size() > 10) {
            throw new InvalidInputException("scopes must be a list of names");
        }
        Set<String> out = new HashSet<>();
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw new InvalidInputException("scopes must be a list of names");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static ObjectNode credential(Credential c) {
        ObjectNode out = ApiJson.object()
                .put("id", c.id().toString())
                .put("name", c.name())
                .put("created_at", c.createdAt().toString());
        ArrayNode scopes = out.putArray("scopes");
        c.scopes().stream().sorted().forEach(scopes::add);
        c.expiresAt().ifPresentOrElse(t -> out.put("expires_at", t.toString()), () -> out.putNull("expires_at"));
        c.lastUsedAt().ifPresentOrElse(t -> out.put("last_used_at", t.toString()), () -> out.putNull("last_used_at"));
        return out;
    }

    // ---- accounts

    private void acceptInvite(Context ctx) {
        JsonNode body = ApiJson.body(ctx);
        EmailAddress own = EmailAddress.parse(ApiJson.text(body, "email"));
        try {
            var user = identity.invitations().accept(ApiJson.text(body, "token"), ApiJson.secret(body, "password"), own,
                    ApiAuth.client(ctx));
            ApiJson.send(ctx, 201, ApiJson.object().put("login", user.login().toString())
                    .put("verification", "a code was sent to the address you gave"));
        } catch (AccessDeniedException e) {
            ApiErrors.send(ctx, 401, "invalid_invite");
        }
    }

    private void verifyEmail(Context ctx) {
        Principal p = auth.principalAnyLevel(ctx);
        TokenPair tokens = identity.emailVerification().verify(p, ApiJson.text(ApiJson.body(ctx), "code"),
                ApiAuth.client(ctx));
        ApiJson.send(ctx, 200, tokens(tokens));
    }

    private void resendVerification(Context ctx) {
        identity.emailVerification().resend(auth.principalAnyLevel(ctx), ApiAuth.client(ctx));
        ctx.status(202);
    }

    private void startRecovery(Context ctx) {
        identity.recovery().start(ApiJson.text(ApiJson.body(ctx), "login"), ApiAuth.client(ctx));
        // The same answer whether or not the account exists.
        ApiJson.send(ctx, 202, ApiJson.object().put("status", "if the account has a verified recovery address, a code was sent there"));
    }

    private void completeRecovery(Context ctx) {
        JsonNode body = ApiJson.body(ctx);
        try {
            identity.recovery().complete(ApiJson.text(body, "login"), ApiJson.text(body, "code"),
                    ApiJson.secret(body, "new_password"), ApiAuth.client(ctx));
            ctx.status(204);
        } catch (AccessDeniedException e) {
            ApiErrors.send(ctx, 401, "invalid_code");
        }
    }

    private void changePassword(Context ctx) {
        Principal p = auth.principal(ctx);
        JsonNode body = ApiJson.body(ctx);
        int ended = identity.passwordChange().change(p, ApiJson.secret(body, "current_password"),
                ApiJson.secret(body, "new_password"), ApiAuth.client(ctx));
        ApiJson.send(ctx, 200, ApiJson.object().put("sessions_ended", ended));
    }

    private void me(Context ctx) {
        Principal p = auth.principalAnyLevel(ctx);
        ObjectNode out = ApiJson.object()
                .put("user_id", p.caller().userId().toString())
                .put("tenant_id", p.caller().tenantId().toString())
                .put("role", p.caller().role().label())
                .put("level", p.level().name().toLowerCase(java.util.Locale.ROOT));
        p.session().ifPresent(s -> out.put("session_id", s.toString()));
        ApiJson.send(ctx, 200, out);
    }

    private void auditLog(Context ctx) {
        Principal p = auth.principal(ctx);
        p.requireApiScope("account");
        Optional<UserId> subject = Optional.ofNullable(ctx.queryParam("user")).map(UserId::parse);
        if (p.caller().role() == org.postern.model.Role.USER) {
            // A user's scope already limits the rows to their own; asking for someone else finds nothing.
            subject = subject.or(() -> Optional.of(p.caller().userId()));
        }
        Optional<Long> before = Optional.ofNullable(ctx.queryParam("before")).map(IdentityApi::number);
        int limit = Optional.ofNullable(ctx.queryParam("limit")).map(IdentityApi::number).map(Long::intValue).orElse(100);
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
            throw new InvalidInputException("limit must be 1.." + AuditQuery.MAX_LIMIT);
        }
        List<AuditEntry> entries = identity.tenantSecurity().auditLog(p.caller(), subject, before, limit);
        ApiJson.send(ctx, 200, auditPage(entries, limit));
    }

    /** Query parameters of an audit-log page: before (a seq) and limit. */
    record AuditPaging(Optional<Long> before, int limit) {
        static AuditPaging of(Context ctx) {
            Optional<Long> before = Optional.ofNullable(ctx.queryParam("before")).map(IdentityApi::number);
            int limit = Optional.ofNullable(ctx.queryParam("limit")).map(IdentityApi::number).map(Long::intValue).orElse(100);
            if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
                throw new InvalidInputException("limit must be 1.." + AuditQuery.MAX_LIMIT);
            }
            return new AuditPaging(before, limit);
        }
    }

    static ObjectNode auditPage(List<AuditEntry> entries, int limit) {
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        for (AuditEntry e : entries) {
            ObjectNode row = ApiJson.object()
                    .put("seq", e.seq())
                    .put("at", e.at().toString())
                    .put("actor", e.actor())
                    .put("action", e.action())
                    .put("outcome", e.outcome())
                    .put("ip", e.ip())
                    .put("user_agent", e.userAgent());
            e.tenantId().ifPresent(t -> row.put("tenant_id", t.toString()));
            e.subject().ifPresent(s -> row.put("user_id", s.toString()));
            try {
                row.set("details", ApiJson.MAPPER.readTree(e.details()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                row.putNull("details");
            }
            list.add(row);
        }
        ObjectNode out = ApiJson.object();
        out.set("entries", list);
        if (entries.size() == limit) {
            out.put("next_before", entries.get(entries.size() - 1).seq());
        }
        return out;
    }

    static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("not a number");
        }
    }
}

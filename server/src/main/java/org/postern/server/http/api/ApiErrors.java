package org.postern.server.http.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.IntegrityException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.UnavailableException;
import org.postern.store.identity.SessionLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps failures to fixed JSON errors. Only an {@link InvalidInputException}'s message is shown,
 * because it describes the client's own input ("password must be at least 12 characters");
 * everything else is a code. Not-found and not-yours look the same.
 */
final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {}

    /** No valid bearer credential. */
    static final class Unauthenticated extends RuntimeException {
        Unauthenticated() {
            super("no valid bearer credential", null, false, false);
        }
    }

    /** A restricted session asked for something beyond its level. */
    static final class Restricted extends RuntimeException {
        final SessionLevel level;

        Restricted(SessionLevel level) {
            super("restricted session", null, false, false);
            this.level = level;
        }
    }

    static void register(RoutesConfig routes) {
        routes.exception(Unauthenticated.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", "Bearer");
            send(ctx, 401, "unauthorized");
        });
        routes.exception(Restricted.class, (e, ctx) -> send(ctx, 403,
                e.level == SessionLevel.ENROL_MFA ? "mfa_enrolment_required" : "email_verification_required"));
        routes.exception(InvalidInputException.class, (e, ctx) -> ApiJson.send(ctx, 400,
                ApiJson.object().put("error", "invalid_input").put("message", e.getMessage())));
        routes.exception(AccessDeniedException.class, (e, ctx) -> {
            LOG.info("event=api.denied method={} path={} reason={}", ctx.method(), ctx.path(), e.getMessage());
            send(ctx, 403, "forbidden");
        });
        routes.exception(NotFoundException.class, (e, ctx) -> send(ctx, 404, "not_found"));
        routes.exception(ConflictException.class, (e, ctx) -> send(ctx, 409, "conflict"));
        routes.exception(UnavailableException.class, (e, ctx) -> {
            LOG.warn("event=api.unavailable method={} reason={}", ctx.method(), e.getMessage());
            send(ctx, 503, "unavailable");
        });
        routes.exception(IntegrityException.class, (e, ctx) -> {
            String id = java.util.UUID.randomUUID().toString().substring(0, 16);
            LOG.error("event=api.integrity_error correlation_id={} reason={}", id, e.getMessage());
            ApiJson.send(ctx, 500, ApiJson.object().put("error", "internal_error").put("correlation_id", id));
        });
    }

    static void send(Context ctx, int status, String code) {
        ApiJson.send(ctx, status, ApiJson.object().put("error", code.toLowerCase(Locale.ROOT)));
    }
}

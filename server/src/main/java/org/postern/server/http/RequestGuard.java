package org.postern.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens around every request: rate limits per client address (stricter on the sign-in
 * routes) and per authenticated user, CORS for the configured origins only, and one access-log
 * line on {@code postern.access}.
 *
 * <p>SECURITY: the access log names the route template, never the raw path (ids), the query
 * string, a header or a body; the caller is a user id, never a token. The client address is the
 * socket's: no forwarding header is trusted.
 */
public final class RequestGuard {
    /** The access log's logger name. */
    public static final String ACCESS_LOGGER = "postern.access";
    private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
    private static final String ATTR_GUARD = "postern.guard";
    private static final String ATTR_START = "postern.start";
    private static final String ATTR_USER = "postern.user";
    static final String CORS_METHODS = "GET, POST, PUT, DELETE";
    static final String CORS_HEADERS = "Authorization, Content-Type";

    /** Refused for going over a rate; answered 429 with Retry-After. */
    public static final class TooManyRequests extends RuntimeException {
        final long retryAfterSeconds;

        TooManyRequests(long retryAfterSeconds) {
            super("rate limited", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    private final HttpSettings settings;
    private final Set<String> strictRoutes;
    private final TokenBuckets perIp;
    private final TokenBuckets perIpStrict;
    private final TokenBuckets perUser;
    private volatile InternalRouter router;

    /**
     * @param settings rates and CORS origins
     * @param strictRoutes route templates (such as {@code /api/v1/auth/sign-in}) that take from the stricter sign-in bucket too
     */
    public RequestGuard(HttpSettings settings, Set<String> strictRoutes) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.strictRoutes = Set.copyOf(strictRoutes);
        this.perIp = new TokenBuckets(settings.ipRate(), settings.ipBurst());
        this.perIpStrict = new TokenBuckets(settings.signInPerMinute() / 60d, settings.signInBurst());
        this.perUser = new TokenBuckets(settings.userRate(), settings.userBurst());
    }

    void useRouter(InternalRouter router) {
        this.router = router;
    }

    /**
     * Records the authenticated caller of this request for the access log and charges their
     * per-user bucket; an API front end calls it once it knows who is asking.
     *
     * @throws TooManyRequests if the user is over their rate
     */
    public static void authenticated(Context ctx, String userId) {
        ctx.attribute(ATTR_USER, userId);
        RequestGuard guard = ctx.attribute(ATTR_GUARD);
        if (guard != null) {
            guard.perUser.take(userId).ifPresent(wait -> {
                throw new TooManyRequests(wait);
            });
        }
    }

    void before(Context ctx) {
        ctx.attribute(ATTR_START, System.nanoTime());
        ctx.attribute(ATTR_GUARD, this);
        String origin = ctx.header("Origin");
        boolean allowedOrigin = origin != null && settings.corsOrigins().contains(origin.toLowerCase(Locale.ROOT));
        if (allowedOrigin) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Expose-Headers", "Retry-After, WWW-Authenticate");
        }
        if (origin != null) {
            ctx.header("Vary", "Origin");
        }
        if (HandlerType.OPTIONS.equals(ctx.method()) && origin != null) {
            preflight(ctx, allowedOrigin);
            return;
        }
        String ip = ctx.req().getRemoteAddr();
        charge(perIp, ip);
        if (strictRoutes.contains(template(ctx))) {
            charge(perIpStrict, ip);
        }
    }

    private void preflight(Context ctx, boolean allowedOrigin) {
        String requested = ctx.header("Access-Control-Request-Method");
        if (allowedOrigin && requested != null && CORS_METHODS.contains(requested.toUpperCase(Locale.ROOT))) {
            ctx.header("Access-Control-Allow-Methods", CORS_METHODS);
            ctx.header("Access-Control-Allow-Headers", CORS_HEADERS);
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
        } else {
            ctx.status(403).contentType(JsonErrors.CONTENT_TYPE).result(JsonErrors.body(403));
        }
        SecurityHeaders.ALL.forEach(ctx::header);
        log(ctx);
        ctx.skipRemainingHandlers();
    }

    private static void charge(TokenBuckets buckets, String key) {
        OptionalLong wait = buckets.take(key);
        if (wait.isPresent()) {
            throw new TooManyRequests(wait.getAsLong());
        }
    }

    void after(Context ctx) {
        log(ctx);
    }

    private void log(Context ctx) {
        Long start = ctx.attribute(ATTR_START);
        long micros = start == null ? 0 : (System.nanoTime() - start) / 1000;
        String user = ctx.attribute(ATTR_USER);
        ACCESS.info("event=http.access ip={} user={} method={} route={} status={} ms={}", ctx.req().getRemoteAddr(),
                user == null ? "-" : user, ctx.method().name(), template(ctx), ctx.statusCode(),
                String.format(Locale.ROOT, "%.1f", micros / 1000d));
    }

    /** The route template the request matched, or "-" when none did (never the raw path). */
    String template(Context ctx) {
        InternalRouter r = router;
        if (r == null) {
            return "-";
        }
        try {
            ParsedEndpoint matched = r.findFirstHttpHandlerEntry(ctx.method(), ctx.path());
            return matched == null ? "-" : matched.endpoint.path;
        } catch (RuntimeException e) {
            return "-";
        }
    }

    /** The methods declared for {@code path}, for a 405's Allow header. */
    String allowedMethods(String path) {
        InternalRouter r = router;
        StringBuilder out = new StringBuilder();
        if (r != null) {
            for (HandlerType type : new HandlerType[] {HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                    HandlerType.DELETE}) {
                if (r.findFirstHttpHandlerEntry(type, path) != null) {
                    out.append(out.isEmpty() ? "" : ", ").append(type.name());
                }
            }
        }
        return out.toString();
    }
}

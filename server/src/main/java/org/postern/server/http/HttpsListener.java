package org.postern.server.http;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.postern.server.config.Config;
import org.postern.server.tls.TlsMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener (Javalin on Jetty, virtual threads). Plain HTTP is never served.
 *
 * <p>SECURITY: exposed to anyone who can reach {@code bind:http_port}, before authentication.
 * Request bodies are limited to {@code http_max_request_bytes}, headers to
 * {@link #MAX_REQUEST_HEADER_BYTES}. Every response carries {@link SecurityHeaders}; errors are
 * fixed JSON bodies ({@code {"error":"not_found"}}), and an unexpected exception is answered with
 * only a correlation id while its details go to the log. No Server or version header is sent.
 * {@code /health} and {@code /ready} say nothing about the server's internals.
 */
public final class HttpsListener {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsListener.class);

    /** Request line plus headers larger than this are refused with 431. */
    public static final int MAX_REQUEST_HEADER_BYTES = 16 * 1024;
    /** Connections idle this long are closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final InetAddress bind;
    private final int port;
    private final TlsMaterial tls;
    private final long maxRequestBytes;
    private final BooleanSupplier ready;
    private final Consumer<RoutesConfig> extraRoutes;
    private final RequestGuard guard;
    private Javalin app;

    /**
     * @param bind address to listen on
     * @param port port, or 0 for any free port
     * @param tls certificate and TLS policy
     * @param maxRequestBytes largest request body accepted
     * @param ready answers {@code GET /ready}: true for 200, false for 503
     * @param extraRoutes further routes to declare (the web interface and API); may declare none
     */
    public HttpsListener(InetAddress bind, int port, TlsMaterial tls, long maxRequestBytes, BooleanSupplier ready,
            Consumer<RoutesConfig> extraRoutes) {
        this(bind, port, tls, maxRequestBytes, ready, extraRoutes, HttpSettings.DEFAULT, Set.of());
    }

    /**
     * As above, with rate limits and CORS origins, and the route templates that take from the
     * stricter sign-in rate limit.
     */
    public HttpsListener(InetAddress bind, int port, TlsMaterial tls, long maxRequestBytes, BooleanSupplier ready,
            Consumer<RoutesConfig> extraRoutes, HttpSettings settings, Set<String> strictRoutes) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be positive");
        }
        this.bind = Objects.requireNonNull(bind, "bind");
        this.port = port;
        this.tls = Objects.requireNonNull(tls, "tls");
        this.maxRequestBytes = maxRequestBytes;
        this.ready = Objects.requireNonNull(ready, "ready");
        this.extraRoutes = Objects.requireNonNull(extraRoutes, "extraRoutes");
        this.guard = new RequestGuard(settings, strictRoutes);
    }

    /** A listener on {@code bind:http_port} with {@code http_max_request_bytes}, serving only /health and /ready. */
    public HttpsListener(Config config, TlsMaterial tls, BooleanSupplier ready) {
        this(config.bind(), config.httpPort(), tls, config.httpMaxRequestBytes(), ready, routes -> {}, config.http(),
                Set.of());
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound port (useful when constructed with port 0)
     * @throws IllegalStateException if already started or the port cannot be bound
     */
    public synchronized int start() {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        Javalin created = create(true);
        guard.useRouter(created.unsafe.internalRouter);
        try {
            created.start();
        } catch (RuntimeException e) {
            try {
                created.stop();
            } catch (RuntimeException ignored) {
                // already failed; the bind error below is what matters
            }
            throw new IllegalStateException("cannot listen for HTTPS on " + bind.getHostAddress() + ":" + port, e);
        }
        app = created;
        int bound = created.port();
        LOG.info("event=http.listening bind={} port={} tls_sha256={}", bind.getHostAddress(), bound, tls.fingerprintSha256());
        return bound;
    }

    /**
     * Every route {@code extraRoutes} and the listener itself declare, as "METHOD /path/{param}",
     * without binding anything: what the OpenAPI document must describe.
     */
    public static java.util.SortedSet<String> declaredRoutes(Consumer<RoutesConfig> extraRoutes) {
        HttpsListener probe = new HttpsListener(InetAddress.getLoopbackAddress(), 0, null, 1, () -> true, extraRoutes,
                HttpSettings.DEFAULT, Set.of(), true);
        Javalin created = probe.create(false);
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        Set<String> methods = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "QUERY", "TRACE", "CONNECT");
        for (io.javalin.router.ParsedEndpoint e : created.unsafe.internalRouter.allHttpHandlers()) {
            if (methods.contains(e.endpoint.method.name())) {
                out.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
        }
        return out;
    }

    private HttpsListener(InetAddress bind, int port, TlsMaterial tls, long maxRequestBytes, BooleanSupplier ready,
            Consumer<RoutesConfig> extraRoutes, HttpSettings settings, Set<String> strictRoutes, boolean probeOnly) {
        this.bind = bind;
        this.port = port;
        this.tls = tls;
        this.maxRequestBytes = maxRequestBytes;
        this.ready = ready;
        this.extraRoutes = extraRoutes;
        this.guard = new RequestGuard(settings, strictRoutes);
    }

    private Javalin create(boolean withConnector) {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = maxRequestBytes;
            cfg.http.prefer405over404 = true;
            cfg.http.generateEtags = false;
            cfg.jetty.modifyHttpConfiguration(this::harden);
            if (withConnector) {
                cfg.jetty.addConnector((server, httpConfig) -> {
                    ServerConnector connector = new ServerConnector(server,
                            new SslConnectionFactory(sslContextFactory(), "http/1.1"),
                            new HttpConnectionFactory(httpConfig));
                    connector.setHost(bind.getHostAddress());
                    connector.setPort(port);
                    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                    return connector;
                });
            }
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrors.JettyErrorHandler()));

            RoutesConfig routes = cfg.routes;
            routes.before(guard::before);
            routes.before(this::limitBody);
            routes.get("/health", ctx -> json(ctx, 200, "{\"status\":\"ok\"}"));
            routes.get("/ready", this::ready);
            extraRoutes.accept(routes);
            routes.after(HttpsListener::securityHeaders);
            routes.after(guard::after);
            routes.error(404, ctx -> json(ctx, 404, JsonErrors.body(404)));
            routes.error(405, ctx -> {
                String allow = guard.allowedMethods(ctx.path());
                if (!allow.isEmpty()) {
                    ctx.header("Allow", allow);
                }
                json(ctx, 405, JsonErrors.body(405));
            });
            routes.exception(RequestGuard.TooManyRequests.class, (e, ctx) -> {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
                json(ctx, 429, JsonErrors.body(429));
            });
            routes.exception(HttpResponseException.class, (e, ctx) -> json(ctx, e.getStatus(), JsonErrors.body(e.getStatus())));
            routes.exception(Exception.class, this::internalError);
        });
    }

    /** The bound port; only meaningful after {@link #start()}. */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app.port();
    }

    /** Stops serving and releases the port; does nothing if not started. */
    public synchronized void stop() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private SslContextFactory.Server sslContextFactory() {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls.sslContext());
        ssl.setIncludeProtocols(tls.enabledProtocols().toArray(String[]::new));
        ssl.setIncludeCipherSuites(tls.enabledCipherSuites().toArray(String[]::new));
        ssl.setUseCipherSuitesOrder(true);
        ssl.setRenegotiationAllowed(false);
        ssl.setSniRequired(false);
        return ssl;
    }

    private void harden(HttpConfiguration http) {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setResponseHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        http.setUriCompliance(UriCompliance.DEFAULT);
        http.setSecureScheme("https");
        // The certificate may name the host differently from what a client typed (self-signed,
        // IP literal); the host header check adds nothing once the client accepted the cert.
        SecureRequestCustomizer secure = new SecureRequestCustomizer(false, false, -1, false);
        http.addCustomizer(secure);
        // Set at the connection level so that responses Jetty writes itself carry them too.
        http.addCustomizer((request, responseHeaders) -> {
            SecurityHeaders.ALL.forEach(responseHeaders::put);
            return request;
        });
    }

    private void limitBody(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxRequestBytes) {
            throw new HttpResponseException(413);
        }
    }

    private void ready(Context ctx) {
        boolean isReady;
        try {
            isReady = ready.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("event=http.ready_check_failed", e);
            isReady = false;
        }
        if (isReady) {
            json(ctx, 200, "{\"status\":\"ready\"}");
        } else {
            json(ctx, 503, "{\"status\":\"unavailable\"}");
        }
    }

    private void internalError(Exception e, Context ctx) {
        String correlationId = JsonErrors.newCorrelationId();
        LOG.error("event=http.internal_error correlation_id={} method={} path={}", correlationId, ctx.method(), ctx.path(), e);
        json(ctx, 500, JsonErrors.internalErrorBody(correlationId));
    }

    private static void json(Context ctx, int status, String body) {
        ctx.status(status).contentType(JsonErrors.CONTENT_TYPE).result(body);
        securityHeaders(ctx);
    }

    /**
     * Sets the security headers, overwriting whatever a handler set, except a stricter CSP: one a
     * handler set with {@code sandbox} (served message parts: {@code default-src 'none'; sandbox}).
     */
    private static void securityHeaders(Context ctx) {
        boolean webApp = Boolean.TRUE.equals(ctx.attribute(SecurityHeaders.WEB_APP_ATTRIBUTE));
        // A handler that serves untrusted content (a message part) sets a stricter, sandboxing CSP; keep it.
        String handlerCsp = ctx.res().getHeader("Content-Security-Policy");
        boolean sandboxed = handlerCsp != null && handlerCsp.startsWith("default-src 'none'") && handlerCsp.contains("sandbox");
        SecurityHeaders.forResponse(webApp).forEach((name, value) -> {
            if (!(sandboxed && name.equals("Content-Security-Policy"))) {
                ctx.header(name, value);
            }
        });
    }
}

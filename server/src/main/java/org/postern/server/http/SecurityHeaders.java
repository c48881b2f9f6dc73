package org.postern.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers every HTTPS response carries, whatever produced it. The web app's own files get
 * {@link #WEB_APP} instead: the same set with the app's stricter CSP and revalidated caching.
 */
public final class SecurityHeaders {
    /** Header name to value, in a stable order. */
    public static final Map<String, String> ALL = headers();

    /**
     * The web app's CSP: only our own scripts, styles and API; images also from data: and blob:
     * URLs the app makes itself (the TOTP QR code; a message's inline images, fetched with the
     * token, as data: URLs in the message frame); frames only our own (the sanitised message view, a sandboxed srcdoc frame); never
     * framed by anyone. No 'unsafe-inline', no 'unsafe-eval'.
     *
     * <p>img-src also allows https: because the message frame's srcdoc document inherits this
     * policy: a remote image the user chose to load ("load remote images", which the server
     * answers with https: sources only) must pass it. The app's own screens never put a URL from
     * outside into an image, and the frame adds its own stricter policy that allows https: only
     * after that choice.
     */
    public static final String WEB_APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob: https:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    /** The headers of the web app's static files. */
    public static final Map<String, String> WEB_APP = webApp();

    /** A request attribute: set (to true) by a handler that serves the web app's files. */
    public static final String WEB_APP_ATTRIBUTE = "postern.web-app";

    private SecurityHeaders() {}

    /** The set for a response: {@link #WEB_APP} when its handler marked it as the app's, else {@link #ALL}. */
    public static Map<String, String> forResponse(boolean webApp) {
        return webApp ? WEB_APP : ALL;
    }

    private static Map<String, String> webApp() {
        Map<String, String> h = new LinkedHashMap<>(ALL);
        h.put("Content-Security-Policy", WEB_APP_CSP);
        // The files are the same for everyone; revalidated on every use (see WebApp).
        h.put("Cache-Control", "no-cache");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        return java.util.Collections.unmodifiableMap(h);
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        h.put("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        h.put("X-Frame-Options", "DENY");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        h.put("Cache-Control", "no-store");
        return java.util.Collections.unmodifiableMap(h);
    }
}

package org.postern.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** The headers every HTTPS response carries, whatever produced it. */
public final class SecurityHeaders {
    /** Header name to value, in a stable order. */
    public static final Map<String, String> ALL = headers();

    private SecurityHeaders() {}

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

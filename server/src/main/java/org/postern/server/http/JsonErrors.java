package org.postern.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Fixed, generic JSON error bodies. Nothing from the request, the exception or the server's
 * internals is ever put in them; the only variable part is a random correlation id that the
 * operator can find in the log.
 */
final class JsonErrors {
    static final String CONTENT_TYPE = "application/json";
    private static final SecureRandom RANDOM = new SecureRandom();

    private JsonErrors() {}

    /** A stable error code for an HTTP status. */
    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 429 -> "too_many_requests";
            case 431 -> "request_headers_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    static String body(int status) {
        return "{\"error\":\"" + code(status) + "\"}";
    }

    static String internalErrorBody(String correlationId) {
        return "{\"error\":\"internal_error\",\"correlation_id\":\"" + correlationId + "\"}";
    }

    /** 16 random hex digits. */
    static String newCorrelationId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Jetty's own error pages (malformed requests, oversized headers, failures outside Javalin), as JSON. */
    static final class JettyErrorHandler extends ErrorHandler {
        JettyErrorHandler() {
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
            setShowOrigin(false);
            setCacheControl("no-store");
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            // Requests Jetty rejects while parsing never reach the connection's customizers.
            SecurityHeaders.ALL.forEach(response.getHeaders()::put);
            return super.handle(request, response, callback);
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            response.write(true, ByteBuffer.wrap(body(code).getBytes(StandardCharsets.UTF_8)), callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            SecurityHeaders.ALL.forEach(fields::put);
            return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
        }
    }
}

package org.postern.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JSON API through curl, as a script would use it: HTTPS (the generated certificate, so
 * {@code -k}), a bearer token, JSON in and out. {@code sourceIp} lets a test speak from another
 * loopback address (127.0.0.2, ...), which the server sees as another client.
 */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private static final String MARK = "\n~~postern-e2e~~";

    private final int port;
    private final String sourceIp;
    private final String userAgent;
    private final boolean checked;

    public ApiClient(int port) {
        this(port, "127.0.0.1", "postern-e2e/1.0");
    }

    public ApiClient(int port, String sourceIp, String userAgent) {
        this(port, sourceIp, userAgent, false);
    }

    private ApiClient(int port, String sourceIp, String userAgent, boolean checked) {
        this.port = port;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
        this.checked = checked;
    }

    public ApiClient from(String ip) {
        return new ApiClient(port, ip, userAgent, checked);
    }

    public ApiClient withUserAgent(String agent) {
        return new ApiClient(port, sourceIp, agent, checked);
    }

    /**
     * The same client, checking every response against the published OpenAPI document
     * ({@link OpenApiContract}): an undocumented route, status, field or type fails the test.
     */
    public ApiClient checked() {
        return new ApiClient(port, sourceIp, userAgent, true);
    }

    /** A response: status, JSON body (an empty object when there was none) and headers (lower-case names). */
    public record Response(int status, JsonNode body, String raw, long millis, java.util.Map<String, List<String>> headers) {
        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String text(String field) {
            JsonNode n = body.get(field);
            if (n == null) {
                throw new AssertionError("no " + field + " in " + raw);
            }
            return n.asText();
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    public Response get(String path, String token) {
        return call("GET", path, token, null);
    }

    public Response post(String path, String token, Object body) {
        return call("POST", path, token, body);
    }

    public Response put(String path, String token, Object body) {
        return call("PUT", path, token, body);
    }

    public Response delete(String path, String token) {
        return call("DELETE", path, token, null);
    }

    public Response call(String method, String path, String token, Object body) {
        return call(method, path, token, body, java.util.Map.of());
    }

    /** A call with further request headers (Origin, Authentication, ...). */
    public Response call(String method, String path, String token, Object body, java.util.Map<String, String> headers) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "60", "--interface", sourceIp,
                "-X", method, "-A", userAgent, "-w", MARK + "%{header_json}" + MARK + "%{http_code}"));
        if (token != null) {
            cmd.add("-H");
            cmd.add("Authorization: Bearer " + token);
        }
        headers.forEach((name, value) -> {
            cmd.add("-H");
            cmd.add(name + ": " + value);
        });
        byte[] input = null;
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@-"));
            try {
                input = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        cmd.add("https://127.0.0.1:" + port + path);
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input);
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(70, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("curl did not finish");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            String text = new String(out, StandardCharsets.UTF_8);
            int last = text.lastIndexOf(MARK);
            int first = text.lastIndexOf(MARK, last - 1);
            if (first < 0) {
                throw new AssertionError("curl failed: " + text);
            }
            int status = Integer.parseInt(text.substring(last + MARK.length()).strip());
            String raw = text.substring(0, first);
            java.util.Map<String, List<String>> responseHeaders = new java.util.HashMap<>();
            JSON.readTree(text.substring(first + MARK.length(), last)).fields().forEachRemaining(e -> {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                responseHeaders.put(e.getKey().toLowerCase(java.util.Locale.ROOT), values);
            });
            String type = responseHeaders.getOrDefault("content-type", List.of("")).get(0);
            JsonNode json = raw.isBlank() || !type.startsWith("application/json") ? JSON.createObjectNode() : JSON.readTree(raw);
            Response response = new Response(status, json, raw, millis, responseHeaders);
            if (checked) {
                OpenApiContract.get().check(method, path, status, json, raw);
            }
            return response;
        } catch (IOException e) {
            throw new AssertionError("curl failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

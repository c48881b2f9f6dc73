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

    private final int port;
    private final String sourceIp;
    private final String userAgent;

    public ApiClient(int port) {
        this(port, "127.0.0.1", "postern-e2e/1.0");
    }

    public ApiClient(int port, String sourceIp, String userAgent) {
        this.port = port;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
    }

    public ApiClient from(String ip) {
        return new ApiClient(port, ip, userAgent);
    }

    public ApiClient withUserAgent(String agent) {
        return new ApiClient(port, sourceIp, agent);
    }

    /** A response: status and JSON body (an empty object when there was none). */
    public record Response(int status, JsonNode body, String raw, long millis) {
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
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "60", "--interface", sourceIp,
                "-X", method, "-A", userAgent, "-w", "\n%{http_code}"));
        if (token != null) {
            cmd.add("-H");
            cmd.add("Authorization: Bearer " + token);
        }
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
            int nl = text.lastIndexOf('\n');
            int status = Integer.parseInt(text.substring(nl + 1).strip());
            String raw = text.substring(0, nl);
            JsonNode json = raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
            return new Response(status, json, raw, millis);
        } catch (IOException e) {
            throw new AssertionError("curl failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package org.postern.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.postern.server.http.api.OpenApiDocument;

/**
 * Checks API responses against the OpenAPI document the server publishes: the route and status
 * must be documented, and a JSON body must match the documented schema (required fields,
 * {@code additionalProperties: false}, enums, formats of ids). Any API E2E test can run every
 * response through {@link #check}, or use {@link ApiClient#checked()} which does it on each call.
 */
public final class OpenApiContract {
    private static final String BASE = "https://postern.invalid/openapi.json";
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
    private static volatile OpenApiContract instance;

    private final JsonNode document;
    private final SchemaRegistry registry;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    /** A documented operation: its method, its path template and a pattern for concrete paths. */
    public record Route(String method, String template, Pattern pattern) {
        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private OpenApiContract(JsonNode document) {
        this.document = document;
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(Map.of(BASE, document.toString())));
        for (Iterator<Map.Entry<String, JsonNode>> it = document.get("paths").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> path = it.next();
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    String regex = "\\Q" + path.getKey().replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q") + "\\E";
                    routes.add(new Route(method.toUpperCase(Locale.ROOT), path.getKey(), Pattern.compile(regex)));
                }
            }
        }
    }

    /** The contract of the document built into the server. */
    public static OpenApiContract get() {
        OpenApiContract c = instance;
        if (c == null) {
            synchronized (OpenApiContract.class) {
                if (instance == null) {
                    instance = new OpenApiContract(OpenApiDocument.tree());
                }
                c = instance;
            }
        }
        return c;
    }

    public JsonNode document() {
        return document;
    }

    /** Every documented operation. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The documented route a request matches (literal segments win over parameters). */
    public Optional<Route> route(String method, String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return routes.stream()
                .filter(r -> r.method().equals(method.toUpperCase(Locale.ROOT)) && r.pattern().matcher(p).matches())
                .min(java.util.Comparator.comparingInt(r -> r.template().split("\\{").length));
    }

    /** Fails unless the response's route, status and body are as documented. */
    public void check(String method, String path, int status, JsonNode body, String raw) {
        Route route = route(method, path).orElseThrow(() -> new AssertionError(
                "undocumented route: " + method + " " + path + " (add it to " + OpenApiDocument.RESOURCE + ")"));
        String opPointer = "/paths/" + escape(route.template()) + "/" + route.method().toLowerCase(Locale.ROOT) + "/responses";
        JsonNode responses = document.at(opPointer);
        String key = Integer.toString(status);
        String pointer = opPointer + "/" + key;
        JsonNode response = responses.get(key);
        if (response == null) {
            response = responses.get("default");
            pointer = opPointer + "/default";
        }
        if (response == null) {
            throw new AssertionError("status " + status + " of " + route + " is not documented: " + raw);
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = document.at(pointer);
        }
        JsonNode content = response.get("content");
        if (content == null) {
            if (raw != null && !raw.isBlank()) {
                throw new AssertionError(route + " " + status + " is documented without a body but sent: " + raw);
            }
            return;
        }
        if (!content.has("application/json")) {
            return;
        }
        String schemaPointer = pointer + "/content/application~1json/schema";
        Schema schema = schemas.computeIfAbsent(schemaPointer, sp -> registry.getSchema(SchemaLocation.of(BASE + "#" + sp)));
        List<Error> errors = schema.validate(body);
        if (!errors.isEmpty()) {
            throw new AssertionError(route + " " + status + " does not match " + OpenApiDocument.RESOURCE + ": " + errors
                    + "\nbody: " + raw);
        }
    }

    static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }
}

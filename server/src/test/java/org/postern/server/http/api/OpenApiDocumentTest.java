package org.postern.server.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postern.server.e2e.OpenApiContract;
import org.postern.server.http.HttpsListener;

/**
 * The OpenAPI document and the routes the server declares are the same set: a route added
 * without documentation (or documentation for a route that is gone) fails the build.
 */
class OpenApiDocumentTest {
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    static SortedSet<String> declared() {
        // The services are not needed to declare routes; the handlers are never called here.
        return HttpsListener.declaredRoutes(routes -> Api.register(routes, null, null, null, null,
                new SendApi(null, null, null, null, null, null), null, new DomainDnsApi(null, null, null, null, null, null)));
    }

    static SortedSet<String> documented() {
        SortedSet<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = OpenApiDocument.tree().get("paths").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> path = it.next();
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return out;
    }

    @Test
    void everyDeclaredRouteIsDocumentedAndEveryDocumentedRouteIsDeclared() {
        SortedSet<String> declared = declared();
        SortedSet<String> documented = documented();
        SortedSet<String> undocumented = new TreeSet<>(declared);
        undocumented.removeAll(documented);
        SortedSet<String> stale = new TreeSet<>(documented);
        stale.removeAll(declared);

        assertThat(undocumented)
                .as("routes declared with Javalin but missing from " + OpenApiDocument.RESOURCE
                        + " (document them: request body, parameters, responses):\n  " + String.join("\n  ", undocumented))
                .isEmpty();
        assertThat(stale)
                .as("routes in " + OpenApiDocument.RESOURCE + " that the server does not declare:\n  "
                        + String.join("\n  ", stale))
                .isEmpty();
        assertThat(declared).contains("GET /health", "GET /ready", "GET /api/v1/openapi.json", "POST /api/v1/aliases",
                "POST /api/alias/random/new");
    }

    /**
     * One description of the API: a feature that writes its paths into another OpenAPI file
     * instead of this document leaves its routes unchecked by the contract tests.
     */
    @Test
    void noOtherOpenApiDocumentIsInTheRepository() throws java.io.IOException {
        java.nio.file.Path repo = java.nio.file.Path.of("").toAbsolutePath();
        while (!java.nio.file.Files.exists(repo.resolve("README.md"))) {
            repo = repo.getParent();
        }
        java.nio.file.Path ours = repo.resolve("server/src/main/resources" + OpenApiDocument.RESOURCE);
        List<String> others = new ArrayList<>();
        try (var files = java.nio.file.Files.walk(repo)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                String rel = repo.relativize(f).toString();
                if (rel.startsWith(".") || rel.contains("/.") || rel.contains("target/") || rel.contains("node_modules")
                        || !java.nio.file.Files.isRegularFile(f) || f.equals(ours)
                        || !(rel.endsWith(".yaml") || rel.endsWith(".yml") || rel.endsWith(".json"))) {
                    continue;
                }
                String text = java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (Pattern.compile("(?m)^\\s*\"?openapi\"?\\s*:").matcher(text).find()) {
                    others.add(rel);
                }
            }
        }
        assertThat(others).as("OpenAPI documents besides " + OpenApiDocument.RESOURCE + " (merge them into it)").isEmpty();
    }

    @Test
    void theDocumentIsOpenApi31WithUniqueOperationIdsAndResponses() {
        JsonNode doc = OpenApiDocument.tree();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        Set<String> ids = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> path = it.next();
            Set<String> params = new HashSet<>();
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            while (m.find()) {
                params.add(m.group(1));
            }
            for (String method : METHODS) {
                JsonNode op = path.getValue().get(method);
                if (op == null) {
                    continue;
                }
                String where = method + " " + path.getKey();
                assertThat(ids.add(op.get("operationId").asText())).as("unique operationId at " + where).isTrue();
                assertThat(op.get("responses")).as("responses of " + where).isNotNull();
                Set<String> declaredParams = new HashSet<>();
                if (op.has("parameters")) {
                    for (JsonNode p : op.get("parameters")) {
                        JsonNode resolved = p.has("$ref") ? doc.at(p.get("$ref").asText().substring(1)) : p;
                        if ("path".equals(resolved.get("in").asText())) {
                            declaredParams.add(resolved.get("name").asText());
                        }
                    }
                }
                assertThat(declaredParams).as("path parameters of " + where).isEqualTo(params);
            }
        }
    }

    @Test
    void everyReferenceResolves() {
        JsonNode doc = OpenApiDocument.tree();
        List<String> broken = new ArrayList<>();
        collectRefs(doc, doc, broken);
        assertThat(broken).isEmpty();
    }

    private static void collectRefs(JsonNode doc, JsonNode node, List<String> broken) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && (!ref.asText().startsWith("#/") || doc.at(ref.asText().substring(1)).isMissingNode())) {
                broken.add(ref.asText());
            }
            node.forEach(child -> collectRefs(doc, child, broken));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(doc, child, broken));
        }
    }

    @Test
    void theContractAcceptsADocumentedBodyAndRefusesAnUndocumentedField() {
        OpenApiContract contract = OpenApiContract.get();
        var mapper = ApiJson.MAPPER;
        var ok = mapper.createObjectNode().put("status", "ok");
        contract.check("GET", "/health", 200, ok, ok.toString());

        var extra = mapper.createObjectNode().put("status", "ok").put("version", "1.2.3");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> contract.check("GET", "/health", 200, extra, extra.toString()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("version");
        var error = mapper.createObjectNode().put("error", "not_found");
        contract.check("GET", "/api/v1/addresses/00000000-0000-4000-8000-000000000000", 404, error, error.toString());
        var leak = mapper.createObjectNode().put("error", "not_found").put("stack", "at org.postern...");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> contract.check("GET",
                "/api/v1/addresses/00000000-0000-4000-8000-000000000000", 404, leak, leak.toString()))
                .isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> contract.check("GET", "/api/v1/nowhere", 200, ok, "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("undocumented route");
        assertThat(contract.route("POST", "/api/v1/auth/sessions/end-all").orElseThrow().template())
                .isEqualTo("/api/v1/auth/sessions/end-all");
    }
}

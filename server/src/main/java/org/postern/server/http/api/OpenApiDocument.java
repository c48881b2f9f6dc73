package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI 3.1 description of the API, written by hand in {@value #RESOURCE} and served as
 * YAML and as JSON without authentication. A test checks that it names every declared route.
 */
public final class OpenApiDocument {
    public static final String RESOURCE = "/openapi/postern.yaml";
    public static final String JSON_PATH = IdentityApi.PREFIX + "/openapi.json";
    public static final String YAML_PATH = IdentityApi.PREFIX + "/openapi.yaml";

    private static final String YAML = load();
    private static final String JSON = toJson(YAML);

    private OpenApiDocument() {}

    static void register(RoutesConfig routes) {
        routes.get(JSON_PATH, ctx -> ctx.status(200).contentType(ApiJson.CONTENT_TYPE).result(JSON));
        routes.get(YAML_PATH, ctx -> ctx.status(200).contentType("application/yaml").result(YAML));
    }

    /** The document as a JSON tree. */
    public static JsonNode tree() {
        try {
            return ApiJson.MAPPER.readTree(JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String toJson(String yaml) {
        try {
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            return ApiJson.MAPPER.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException("the OpenAPI document is not valid YAML", e);
        }
    }
}

package org.postern.server.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import org.postern.model.InvalidInputException;

/** Reading request bodies and writing responses as JSON. */
final class ApiJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String CONTENT_TYPE = "application/json";

    private ApiJson() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The request body as a JSON object; anything else is a 400. */
    static JsonNode body(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(CONTENT_TYPE)) {
            throw new InvalidInputException("the request body must be application/json");
        }
        try {
            JsonNode node = MAPPER.readTree(ctx.body());
            if (node == null || !node.isObject()) {
                throw new InvalidInputException("the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the request body is not valid JSON" + where(e));
        }
    }

    /**
     * Where the parser stopped: the field it was in (only if the name is a plain identifier, so
     * nothing odd is echoed back) and the line and column; never the offending value.
     */
    private static String where(JsonProcessingException e) {
        StringBuilder out = new StringBuilder();
        if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser) {
            String field = parser.getParsingContext() == null ? null : parser.getParsingContext().getCurrentName();
            if (field != null && FIELD_NAME.matcher(field).matches()) {
                out.append(" in field ").append(field);
            }
        }
        if (e.getLocation() != null) {
            out.append(" at line ").append(e.getLocation().getLineNr()).append(", column ").append(e.getLocation().getColumnNr());
        }
        return out.toString();
    }

    private static final java.util.regex.Pattern FIELD_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    static String text(JsonNode body, String field) {
        return optionalText(body, field).orElseThrow(() -> new InvalidInputException(field + " is required"));
    }

    static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidInputException(field + " must be a string");
        }
        return Optional.of(value.asText());
    }

    static char[] secret(JsonNode body, String field) {
        return text(body, field).toCharArray();
    }

    static void send(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(CONTENT_TYPE).result(body.toString());
    }
}

package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;

/** Common error body shapes; see {@link ServiceErrorParser#generic()}. */
final class GenericErrorParser implements ServiceErrorParser {

    static final GenericErrorParser INSTANCE = new GenericErrorParser();

    private GenericErrorParser() {
    }

    @Override
    public ServiceError parse(int status, JsonNode body) {
        if (!body.isObject()) {
            return new ServiceError(null, null, textOf(body), body);
        }
        JsonNode error = body.get("error");
        if (error != null && error.isObject()) {
            // Bitbucket: {"type": "error", "error": {"message", "detail", "id"}}
            String message = join(text(error, "message"), text(error, "detail"));
            return new ServiceError(first(text(error, "id"), text(body, "id")),
                    first(text(error, "type"), text(error, "code")), message, body);
        }
        if (error != null && error.isTextual()) {
            // OAuth 2 (RFC 6749 §5.2): {"error": "invalid_grant", "error_description": "..."}
            return new ServiceError(null, error.asText(),
                    first(text(body, "error_description"), text(body, "message"), error.asText()), body);
        }
        // RFC 9457 problem details, or plain {"message"} / {"detail"}
        String message = first(join(text(body, "title"), text(body, "detail")), text(body, "message"));
        if (message == null && body.has("detail")) {
            message = body.get("detail").toString();
        }
        return new ServiceError(first(text(body, "id"), text(body, "error_id"), text(body, "uuid")),
                first(text(body, "type"), text(body, "code")), message, body);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    static String first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isEmpty()) {
                return candidate;
            }
        }
        return null;
    }

    static String join(String a, String b) {
        if (a == null || a.isEmpty()) {
            return b;
        }
        return b == null || b.isEmpty() || b.equals(a) ? a : a + ": " + b;
    }

    private static String textOf(JsonNode body) {
        return body.isValueNode() ? body.asText() : body.toString();
    }
}

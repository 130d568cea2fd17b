package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.http.ServiceError;
import dev.tributary.http.ServiceErrorParser;

/**
 * Bitbucket's error body {@code {"type": "error", "error": {"message", "detail", "fields", "id", "data"}}}:
 * message {@code error.message} (with {@code error.detail} appended after {@code ": "} and, when
 * present, the field errors {@code field: problem} joined by {@code "; "}), id {@code error.id},
 * type {@code error.data.key} when present, details the {@code error} object. A body of another
 * shape is left to the generic parser; a plain-text body (a 429's) is the message without any
 * parser (the core's rule).
 */
final class BitbucketErrorParser implements ServiceErrorParser {

    static final BitbucketErrorParser INSTANCE = new BitbucketErrorParser();

    private BitbucketErrorParser() {
    }

    @Override
    public ServiceError parse(int status, JsonNode body) {
        JsonNode error = body.get("error");
        if (!body.isObject() || error == null || !error.isObject()) {
            return null;
        }
        String message = text(error, "message");
        String detail = text(error, "detail");
        if (detail != null && !detail.isEmpty() && !detail.equals(message)) {
            message = message == null || message.isEmpty() ? detail : message + ": " + detail;
        }
        String fields = fieldErrors(error.get("fields"));
        if (fields != null) {
            message = message == null || message.isEmpty() ? fields : message + " (" + fields + ")";
        }
        JsonNode data = error.get("data");
        String type = data != null && data.isObject() ? text(data, "key") : null;
        return new ServiceError(text(error, "id"), type, message == null || message.isEmpty() ? null : message, error);
    }

    /** {@code {"title": ["required"]}} as {@code title: required}, joined by {@code "; "}; {@code null} when none. */
    private static String fieldErrors(JsonNode fields) {
        if (fields == null || !fields.isObject() || fields.isEmpty()) {
            return null;
        }
        StringBuilder list = new StringBuilder();
        fields.fields().forEachRemaining(field -> {
            if (list.length() > 0) {
                list.append("; ");
            }
            JsonNode problem = field.getValue();
            list.append(field.getKey()).append(": ");
            if (problem.isArray()) {
                for (int i = 0; i < problem.size(); i++) {
                    list.append(i > 0 ? ", " : "").append(problem.get(i).asText());
                }
            } else {
                list.append(problem.isValueNode() ? problem.asText() : problem.toString());
            }
        });
        return list.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }
}

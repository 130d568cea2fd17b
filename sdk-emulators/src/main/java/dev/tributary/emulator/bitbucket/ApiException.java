package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * An error answer of the API, rendered as {@code {"type": "error", "error": {"message", "detail"?,
 * "fields"?, "id"}}} (the API's {@code error} schema). Thrown in a handler; no stack trace; never
 * holds a secret.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String detail;
    private final transient Map<String, String> fields;

    ApiException(int status, String message, String detail, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.detail = detail;
        this.fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message, null, null);
    }

    static ApiException badField(String field, String problem) {
        return new ApiException(400, "Bad request", field + ": " + problem, Map.of(field, problem));
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message, null, null);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, message, null, null);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, message, null, null);
    }

    static ApiException unauthorized(String message, String detail) {
        return new ApiException(401, message, detail, null);
    }

    int status() {
        return this.status;
    }

    ObjectNode body(String errorId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", "error");
        ObjectNode error = body.putObject("error");
        error.put("message", getMessage());
        if (this.detail != null) {
            error.put("detail", this.detail);
        }
        if (!this.fields.isEmpty()) {
            ObjectNode f = error.putObject("fields");
            this.fields.forEach((k, v) -> f.putArray(k).add(v));
        }
        error.put("id", errorId);
        return body;
    }
}

package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An error answer of the platform API in one of its three body shapes (API.md, "Error bodies"):
 * <ul>
 *   <li>401: {@code {"detail": str, "uuid": uuid}};</li>
 *   <li>400, 403, 404, 409: the Django shape {@code {"status_code", "error_id", "message", "help"?,
 *       "error": {"type"}}};</li>
 *   <li>422: the validation shape {@code {"detail": [{"loc": [...], "msg", "type"}]}}.</li>
 * </ul>
 * Thrown inside a handler and rendered by the server; carries no stack trace. Messages never hold
 * an API key.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private enum Shape { DETAIL, DJANGO, VALIDATION }

    private final Shape shape;
    private final int status;
    private final String type;
    private final String help;
    private final transient List<Violation> violations;

    private ApiError(Shape shape, int status, String message, String type, String help, List<Violation> violations) {
        super(message, null, false, false);
        this.shape = shape;
        this.status = status;
        this.type = type;
        this.help = help;
        this.violations = violations;
    }

    /** One item of a 422 body: where ({@code ["body", "name"]}), what, and a FastAPI-style type. */
    record Violation(List<String> loc, String msg, String type) {

        static Violation missing(String where, String field) {
            return new Violation(List.of(where, field), "field required", "value_error.missing");
        }

        static Violation wrongType(String where, String field, String expected) {
            return new Violation(List.of(where, field), "value is not a valid " + expected, "type_error." + expected);
        }
    }

    static ApiError unauthorized(String detail) {
        return new ApiError(Shape.DETAIL, 401, detail, null, null, List.of());
    }

    static ApiError badRequest(String type, String message) {
        return new ApiError(Shape.DJANGO, 400, message, type, null, List.of());
    }

    static ApiError badRequest(String type, String message, String help) {
        return new ApiError(Shape.DJANGO, 400, message, type, help, List.of());
    }

    static ApiError forbidden(String message) {
        return new ApiError(Shape.DJANGO, 403, message, "PermissionDenied", null, List.of());
    }

    static ApiError notFound(String message) {
        return new ApiError(Shape.DJANGO, 404, message, "NotFound", null, List.of());
    }

    static ApiError conflict(String message) {
        return new ApiError(Shape.DJANGO, 409, message, "Conflict", null, List.of());
    }

    static ApiError invalid(Violation... violations) {
        return invalid(List.of(violations));
    }

    static ApiError invalid(List<Violation> violations) {
        String summary = violations.isEmpty() ? "validation error" : violations.get(0).msg() + " at " + violations.get(0).loc();
        return new ApiError(Shape.VALIDATION, 422, summary, null, null, List.copyOf(violations));
    }

    static ApiError unsupportedMediaType(String message) {
        return new ApiError(Shape.DJANGO, 415, message, "UnsupportedMediaType", null, List.of());
    }

    static ApiError payloadTooLarge(String message) {
        return new ApiError(Shape.DJANGO, 413, message, "PayloadTooLarge", null, List.of());
    }

    int status() {
        return this.status;
    }

    /**
     * @param errorId a fresh UUID for the body ({@code uuid} or {@code error_id})
     * @return the body
     */
    ObjectNode body(String errorId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        switch (this.shape) {
            case DETAIL:
                body.put("detail", getMessage());
                body.put("uuid", errorId);
                break;
            case DJANGO:
                body.put("status_code", this.status);
                body.put("error_id", errorId);
                body.put("message", getMessage());
                if (this.help != null) {
                    body.put("help", this.help);
                }
                body.putObject("error").put("type", this.type);
                break;
            default:
                ArrayNode detail = body.putArray("detail");
                for (Violation v : this.violations) {
                    ObjectNode item = detail.addObject();
                    ArrayNode loc = item.putArray("loc");
                    v.loc().forEach(loc::add);
                    item.put("msg", v.msg());
                    item.put("type", v.type());
                }
                break;
        }
        return body;
    }
}

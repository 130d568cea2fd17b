package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.StringJoiner;

import static dev.tributary.http.GenericErrorParser.first;
import static dev.tributary.http.GenericErrorParser.text;

/** The bit.io v2beta error shapes; see {@link ServiceErrorParser#bitio()}. */
final class BitioErrorParser implements ServiceErrorParser {

    static final BitioErrorParser INSTANCE = new BitioErrorParser();

    private BitioErrorParser() {
    }

    @Override
    public ServiceError parse(int status, JsonNode body) {
        if (!body.isObject()) {
            return null;
        }
        JsonNode detail = body.get("detail");
        if (detail != null && detail.isArray()) {
            return validationError(detail);
        }
        if (body.has("error_id") || body.has("status_code")) {
            JsonNode error = body.get("error");
            String type = error != null && error.isObject() ? text(error, "type") : null;
            String message = text(body, "message");
            String help = text(body, "help");
            if (help != null) {
                message = message == null ? help : message + " (" + help + ")";
            }
            return new ServiceError(text(body, "error_id"), type, message, body);
        }
        if (detail != null && detail.isTextual()) {
            return new ServiceError(text(body, "uuid"), null, detail.asText(), body);
        }
        return null;
    }

    /** 422: {@code {"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]}} */
    private static ServiceError validationError(JsonNode detail) {
        StringJoiner message = new StringJoiner("; ");
        String type = null;
        for (JsonNode entry : detail) {
            StringJoiner location = new StringJoiner(".");
            JsonNode loc = entry.get("loc");
            if (loc != null && loc.isArray()) {
                loc.forEach(part -> location.add(part.asText()));
            }
            String msg = first(text(entry, "msg"), "invalid");
            message.add(location.length() == 0 ? msg : location + ": " + msg);
            if (type == null) {
                type = text(entry, "type");
            }
        }
        return new ServiceError(null, type, message.length() == 0 ? null : message.toString(), detail);
    }
}

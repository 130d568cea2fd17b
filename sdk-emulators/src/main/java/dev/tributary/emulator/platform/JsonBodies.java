package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * JSON request and response bodies: reading a request's JSON object (422 when it is missing,
 * malformed or not an object), taking typed fields from it (422 naming the field when the type is
 * wrong), and sending a JSON answer.
 */
final class JsonBodies {

    /** Largest JSON request body (bytes). */
    static final long MAX_JSON_BODY = 16L * 1024 * 1024;

    /** ISO 8601 with offset, microseconds: how the platform writes {@code date_created}. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonBodies() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static String dateTime(Instant instant) {
        return DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
    }

    /**
     * @return the request's JSON object; signals {@link ApiError} 422 when the body is missing, not
     *         JSON, or not an object, 413 when it is too large
     */
    static Mono<ObjectNode> read(HttpServerRequest request) {
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_JSON_BODY) {
                    return Mono.error(ApiError.payloadTooLarge("The request body is larger than " + MAX_JSON_BODY + " bytes"));
                }
            } catch (NumberFormatException e) {
                return Mono.error(ApiError.invalid(new ApiError.Violation(List.of("header", "content-length"), "value is not a valid integer",
                        "type_error.integer")));
            }
        }
        return request.receive().aggregate().asByteArray()
                .defaultIfEmpty(new byte[0])
                .map(bytes -> {
                    if (bytes.length == 0) {
                        throw ApiError.invalid(new ApiError.Violation(List.of("body"), "field required", "value_error.missing"));
                    }
                    JsonNode node;
                    try {
                        node = MAPPER.readTree(bytes);
                    } catch (JsonProcessingException e) {
                        throw ApiError.invalid(new ApiError.Violation(List.of("body"), "Invalid JSON: " + e.getOriginalMessage(),
                                "value_error.jsondecode"));
                    } catch (IOException e) {
                        throw ApiError.invalid(new ApiError.Violation(List.of("body"), "Invalid JSON", "value_error.jsondecode"));
                    }
                    if (!(node instanceof ObjectNode)) {
                        throw ApiError.invalid(new ApiError.Violation(List.of("body"), "value is not a valid dict", "type_error.dict"));
                    }
                    return (ObjectNode) node;
                });
    }

    /** @return the field's string; 422 when it is missing, null or not a string */
    static String requiredString(ObjectNode body, String field) {
        String value = optionalString(body, field);
        if (value == null) {
            throw ApiError.invalid(ApiError.Violation.missing("body", field));
        }
        return value;
    }

    /** @return the field's string, or {@code null} when it is missing or null; 422 when it is not a string */
    static String optionalString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.invalid(ApiError.Violation.wrongType("body", field, "str"));
        }
        return v.textValue();
    }

    /** @return the field's boolean, or {@code null}; 422 when it is not a boolean */
    static Boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiError.invalid(new ApiError.Violation(List.of("body", field), "value could not be parsed to a boolean", "type_error.bool"));
        }
        return v.booleanValue();
    }

    /** @return the field's integer, or {@code null}; 422 when it is not an integer that fits a long */
    static Long optionalLong(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.invalid(ApiError.Violation.wrongType("body", field, "integer"));
        }
        return v.longValue();
    }

    static Mono<Void> send(HttpServerResponse response, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
        return response.status(HttpResponseStatus.valueOf(status))
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
                .sendByteArray(Mono.just(bytes))
                .then();
    }
}

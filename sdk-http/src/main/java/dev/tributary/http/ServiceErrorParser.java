package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a service's JSON error body into a {@link ServiceError}; one per service, given to
 * {@link HttpServiceClient.Builder#errorParser(ServiceErrorParser)}. Called only for bodies that
 * parsed as JSON: a body that is empty, HTML or plain text becomes the message of a
 * {@link ServiceError} without the parser (truncated to {@value HttpException#MAX_BODY_TEXT}
 * characters), so parsers never see it. A parser must not throw; it returns {@code null} when it
 * does not recognise the shape, and the {@linkplain #generic() generic parser} is used instead.
 *
 * <pre>{@code
 * HttpServiceClient client = HttpServiceClient.builder()
 *         .baseUrl("https://api.bit.io/v2beta")
 *         .errorParser(ServiceErrorParser.bitio())
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface ServiceErrorParser {

    /**
     * @param status the response status, e.g. 404
     * @param body   the parsed error body, never {@code null}
     * @return what the service said, or {@code null} when this parser does not know the shape
     */
    ServiceError parse(int status, JsonNode body);

    /**
     * A parser for common shapes: RFC 9457 problem details ({@code type}, {@code title},
     * {@code detail}), {@code {"error": {"message", "detail", "id", "type"}}} (Bitbucket),
     * {@code {"error": "...", "error_description": "..."}} (OAuth 2, RFC 6749 §5.2) and top-level
     * {@code message} / {@code detail} / {@code id} fields. The whole body is the details.
     *
     * @return the generic parser, used when no other is configured and as the fallback
     */
    static ServiceErrorParser generic() {
        return GenericErrorParser.INSTANCE;
    }

    /**
     * The parser of the bit.io v2beta API's three error shapes:
     * <ul>
     *   <li>401: {@code {"detail": str, "uuid": uuid}}: message {@code detail}, id {@code uuid};</li>
     *   <li>400/403/404/409: {@code {"status_code", "error_id", "message"?, "help"?, "error"?: {"type"}}}:
     *       id {@code error_id}, type {@code error.type}, message {@code message} (with {@code help}
     *       appended), details the whole body;</li>
     *   <li>422: {@code {"detail": [{"loc": [...], "msg": str, "type": str}]}}: message
     *       {@code "<loc joined by .>: <msg>"} for each entry joined by {@code "; "}, type the first
     *       entry's {@code type}, details the {@code detail} array.</li>
     * </ul>
     * Source: the bit.io OpenAPI spec ({@code HTTPValidationError}, {@code ErrorResponse}) and the
     * official SDKs.
     *
     * @return the bit.io error body parser
     */
    static ServiceErrorParser bitio() {
        return BitioErrorParser.INSTANCE;
    }
}

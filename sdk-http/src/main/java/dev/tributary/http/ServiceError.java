package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a service said about a failed request, parsed from its error body by a
 * {@link ServiceErrorParser}. Every component may be {@code null}: services do not send all of
 * them on every error.
 *
 * @param id      the service's identifier of this occurrence of the error (bit.io's
 *                {@code error_id} or {@code uuid}), for its support; {@code null} when absent
 * @param type    the service's error type or code (bit.io's {@code error.type}, a validation
 *                error's {@code type}); {@code null} when absent
 * @param message the human-readable explanation, as the service wrote it (or, for a body that is
 *                not JSON, the body's text truncated to {@value HttpException#MAX_BODY_TEXT}
 *                characters); {@code null} when the body was empty
 * @param details the structured remainder the caller may inspect (bit.io's validation error list,
 *                its {@code help} text...), or {@code null}
 */
public record ServiceError(String id, String type, String message, JsonNode details) {
}

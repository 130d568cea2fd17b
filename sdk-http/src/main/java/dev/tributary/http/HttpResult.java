package dev.tributary.http;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.Objects;

/**
 * A 2xx response with its status and headers, for the calls whose answer is partly in the headers
 * (a {@code 202 Accepted} with a {@code Location} to poll, RFC 9110 §15.3.3).
 *
 * @param status  the status code (2xx)
 * @param headers the response headers (a copy; not to be modified)
 * @param body    the decoded body, or {@code null} when the response had none
 * @param <T>     the body type
 */
public record HttpResult<T>(int status, HttpHeaders headers, T body) {

    /** @throws NullPointerException when the headers are missing */
    public HttpResult {
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * @param name a header name (case-insensitive)
     * @return its first value, or {@code null}
     */
    public String header(String name) {
        return this.headers.get(name);
    }
}

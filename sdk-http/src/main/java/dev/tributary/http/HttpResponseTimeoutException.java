package dev.tributary.http;

import java.time.Duration;

/**
 * No response headers arrived within the response timeout of the attempt (counted from its start,
 * connecting included), or, for a body read whole, the body stopped arriving for that long. The server may have received and
 * processed the request: only idempotent or {@linkplain RequestSpec#safeToRepeat() safe-to-repeat}
 * requests are retried.
 */
public class HttpResponseTimeoutException extends HttpTransientException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * @param message the complete message (method, URL and the timeout)
     * @param method  the request method
     * @param url     the request URL, already redacted
     * @param timeout the timeout that passed
     * @param cause   the timer's exception, or {@code null}
     */
    public HttpResponseTimeoutException(String message, String method, String url, Duration timeout, Throwable cause) {
        super(message, method, url, NO_STATUS, null, null, cause);
        this.timeout = timeout;
    }

    /** @return the timeout that passed */
    public Duration getTimeout() {
        return this.timeout;
    }
}

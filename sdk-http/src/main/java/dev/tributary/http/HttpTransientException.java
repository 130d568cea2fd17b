package dev.tributary.http;

import java.time.Duration;

/**
 * A failure that may go away if the same request is tried again later: statuses 429 (Too Many
 * Requests), 502 (Bad Gateway), 503 (Service Unavailable) and 504 (Gateway Timeout), and the
 * subclasses {@link HttpConnectionException} and {@link HttpResponseTimeoutException}. The
 * counterpart of R2DBC's {@code R2dbcTransientException}. {@link HttpServiceClient} has already
 * retried it as its {@link RetrySettings} allow when it signals one.
 */
public class HttpTransientException extends HttpException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message      the complete message (method, URL, status and explanation)
     * @param method       the request method
     * @param url          the request URL, already redacted
     * @param status       the response status, or {@link #NO_STATUS}
     * @param serviceError what the service said, or {@code null}
     * @param retryAfter   the {@code Retry-After} delay, or {@code null}
     * @param cause        the underlying failure, or {@code null}
     */
    public HttpTransientException(String message, String method, String url, int status, ServiceError serviceError,
                                  Duration retryAfter, Throwable cause) {
        super(message, method, url, status, serviceError, retryAfter, cause);
    }

    /** @return {@code true} */
    @Override
    public final boolean isTransient() {
        return true;
    }
}

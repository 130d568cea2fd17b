package dev.tributary.http;

/**
 * A failure that will happen again until something changes: every 4xx status but 429, every 5xx
 * status but 502, 503 and 504, an unexpected 1xx/3xx status, and a body that could not be decoded.
 * The counterpart of R2DBC's {@code R2dbcNonTransientException}; subclasses name the statuses a
 * caller commonly tells apart (401, 403, 404, 409, 400 and 422). Never retried.
 */
public class HttpNonTransientException extends HttpException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message      the complete message (method, URL, status and explanation)
     * @param method       the request method
     * @param url          the request URL, already redacted
     * @param status       the response status, or {@link #NO_STATUS}
     * @param serviceError what the service said, or {@code null}
     * @param cause        the underlying failure, or {@code null}
     */
    public HttpNonTransientException(String message, String method, String url, int status, ServiceError serviceError,
                                     Throwable cause) {
        super(message, method, url, status, serviceError, null, cause);
    }

    /** @return {@code false} */
    @Override
    public final boolean isTransient() {
        return false;
    }
}

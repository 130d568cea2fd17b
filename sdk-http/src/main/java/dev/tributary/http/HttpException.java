package dev.tributary.http;

import java.time.Duration;
import java.util.Optional;

/**
 * The base of every error {@link HttpServiceClient} signals for a request: a response with an
 * error status, a connection that failed, a response that did not arrive in time or could not be
 * decoded. Typed once, where the response (or the failure) is seen, and split the way R2DBC splits
 * its exceptions:
 * <ul>
 *   <li>{@link HttpTransientException}: trying the same request again later may succeed
 *       (429, 502, 503, 504, refused/reset/prematurely closed connections, timeouts);</li>
 *   <li>{@link HttpNonTransientException}: it will fail again until something changes (every other
 *       4xx and 5xx status, an undecodable body).</li>
 * </ul>
 * The message names the method and the URL (with the values of sensitive query parameters
 * replaced by {@code REDACTED}, see {@link HttpServiceClient.Builder#sensitiveQueryParameters}),
 * the status and the service's own explanation. It never contains credentials: request headers
 * are not part of it. The original failure, if any, is the cause.
 */
public abstract class HttpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How many characters of a body that is not JSON become the error message, at most. */
    public static final int MAX_BODY_TEXT = 500;

    /** The status of an exception for which no response was received. */
    public static final int NO_STATUS = 0;

    private final String method;
    private final String url;
    private final int status;
    private final transient ServiceError serviceError;
    private final Duration retryAfter;

    /**
     * @param message      the complete message (method, URL, status and explanation)
     * @param method       the request method, e.g. {@code GET}
     * @param url          the request URL, already redacted
     * @param status       the response status, or {@link #NO_STATUS} when no response arrived
     * @param serviceError what the service said, or {@code null}
     * @param retryAfter   the response's {@code Retry-After} as a delay from when it was received,
     *                     or {@code null} when absent or unparseable
     * @param cause        the underlying failure, or {@code null}
     */
    protected HttpException(String message, String method, String url, int status, ServiceError serviceError,
                            Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.method = method;
        this.url = url;
        this.status = status;
        this.serviceError = serviceError;
        this.retryAfter = retryAfter;
    }

    /** @return the request method, e.g. {@code GET} */
    public String getMethod() {
        return this.method;
    }

    /** @return the request URL, with sensitive query values replaced by {@code REDACTED} */
    public String getUrl() {
        return this.url;
    }

    /** @return the response status, or {@link #NO_STATUS} ({@value #NO_STATUS}) when no response arrived */
    public int getStatus() {
        return this.status;
    }

    /** @return what the service said about the error, when it sent a body */
    public Optional<ServiceError> getServiceError() {
        return Optional.ofNullable(this.serviceError);
    }

    /**
     * @return the delay the service asked for in {@code Retry-After} (RFC 9110 §10.2.3), not capped,
     * when it sent one
     */
    public Optional<Duration> getRetryAfter() {
        return Optional.ofNullable(this.retryAfter);
    }

    /** @return whether trying again later may succeed (the class of this exception says the same) */
    public abstract boolean isTransient();
}

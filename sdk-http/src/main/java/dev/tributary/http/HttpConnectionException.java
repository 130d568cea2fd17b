package dev.tributary.http;

/**
 * The connection failed before a complete response arrived: refused, reset, closed prematurely,
 * connect timeout, no pooled connection free in time, an unknown host. (A failed TLS handshake is
 * an {@link HttpNonTransientException}: it fails the same way again.) {@link #isRequestSent()} tells whether the server may
 * have received the request: when it did not (a refused connect, a connect timeout), the request is
 * retried whatever its method; when it may have, only idempotent or
 * {@linkplain RequestSpec#safeToRepeat() safe-to-repeat} requests are.
 */
public class HttpConnectionException extends HttpTransientException {

    private static final long serialVersionUID = 1L;

    private final boolean requestSent;

    /**
     * @param message     the complete message (method, URL and the failure)
     * @param method      the request method
     * @param url         the request URL, already redacted
     * @param status      the response status when the body broke off after the headers, else {@link #NO_STATUS}
     * @param requestSent whether the server may have received the request
     * @param cause       the network failure
     */
    public HttpConnectionException(String message, String method, String url, int status, boolean requestSent,
                                   Throwable cause) {
        super(message, method, url, status, null, null, cause);
        this.requestSent = requestSent;
    }

    /**
     * @return {@code false} when the request certainly did not reach the server (the connect was
     * refused or timed out), {@code true} when it may have
     */
    public boolean isRequestSent() {
        return this.requestSent;
    }
}

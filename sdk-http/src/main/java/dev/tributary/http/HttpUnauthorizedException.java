package dev.tributary.http;

/**
 * Status 401 (Unauthorized): the credentials are missing, wrong, expired or revoked. The request was replayed once first when the {@link dev.tributary.http.auth.Auth} could refresh its credentials.
 */
public class HttpUnauthorizedException extends HttpNonTransientException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message      the complete message (method, URL, status and explanation)
     * @param method       the request method
     * @param url          the request URL, already redacted
     * @param status       the response status
     * @param serviceError what the service said, or {@code null}
     */
    public HttpUnauthorizedException(String message, String method, String url, int status, ServiceError serviceError) {
        super(message, method, url, status, serviceError, null);
    }
}

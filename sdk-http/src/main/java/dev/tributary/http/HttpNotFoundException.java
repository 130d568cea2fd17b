package dev.tributary.http;

/**
 * Status 404 (Not Found): the resource does not exist (or is not visible with these credentials).
 */
public class HttpNotFoundException extends HttpNonTransientException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message      the complete message (method, URL, status and explanation)
     * @param method       the request method
     * @param url          the request URL, already redacted
     * @param status       the response status
     * @param serviceError what the service said, or {@code null}
     */
    public HttpNotFoundException(String message, String method, String url, int status, ServiceError serviceError) {
        super(message, method, url, status, serviceError, null);
    }
}

package dev.tributary.http;

/**
 * Status 400 (Bad Request) or 422 (Unprocessable Content): the request itself is invalid; the {@link #getServiceError() service error} says which part (bit.io's 422 details list the invalid fields).
 */
public class HttpBadRequestException extends HttpNonTransientException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message      the complete message (method, URL, status and explanation)
     * @param method       the request method
     * @param url          the request URL, already redacted
     * @param status       the response status
     * @param serviceError what the service said, or {@code null}
     */
    public HttpBadRequestException(String message, String method, String url, int status, ServiceError serviceError) {
        super(message, method, url, status, serviceError, null);
    }
}

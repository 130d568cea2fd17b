package dev.tributary.http;

/**
 * A successful response whose body could not be decoded as asked: malformed JSON, JSON that does
 * not map to the requested type, no array at the requested JSON pointer. The status is the
 * response's (2xx); the cause is Jackson's exception when there is one. Non-transient: the same
 * body would fail the same way.
 */
public class HttpResponseDecodingException extends HttpNonTransientException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the complete message (method, URL and what could not be decoded)
     * @param method  the request method
     * @param url     the request URL, already redacted
     * @param status  the response status
     * @param cause   the decoder's failure, or {@code null}
     */
    public HttpResponseDecodingException(String message, String method, String url, int status, Throwable cause) {
        super(message, method, url, status, null, cause);
    }
}

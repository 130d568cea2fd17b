package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Types every failure of a request once, where it is seen (r2dbc-postgresql's
 * {@code ExceptionFactory} is the model): statuses by their number, network failures by their class.
 */
final class ExceptionFactory {

    private static final Pattern TAGS = Pattern.compile("<(script|style)[^>]*>.*?</\\1>|<[^>]+>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final String method;
    private final String url;

    /**
     * @param method the request method
     * @param url    the request URL, already redacted
     */
    ExceptionFactory(String method, String url) {
        this.method = method;
        this.url = url;
    }

    /** Whether a status means "try again later" (RFC 9110 §15.5.30 / §15.6.3-5). */
    static boolean isTransientStatus(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    /**
     * @param status     the response status
     * @param reason     its reason phrase
     * @param body       up to {@link Exchange#MAX_ERROR_BODY} bytes of the body (maybe empty)
     * @param parser     the service's error body parser
     * @param mapper     to parse JSON bodies
     * @param retryAfter the parsed {@code Retry-After}, or {@code null}
     * @return the exception for an error status
     */
    HttpException forStatus(int status, String reason, byte[] body, ServiceErrorParser parser, ObjectMapper mapper,
                            Duration retryAfter) {
        ServiceError error = serviceError(status, body, parser, mapper);
        String message = message(status, reason, error);
        if (isTransientStatus(status)) {
            return new HttpTransientException(message, this.method, this.url, status, error, retryAfter, null);
        }
        switch (status) {
            case 400:
            case 422:
                return new HttpBadRequestException(message, this.method, this.url, status, error);
            case 401:
                return new HttpUnauthorizedException(message, this.method, this.url, status, error);
            case 403:
                return new HttpForbiddenException(message, this.method, this.url, status, error);
            case 404:
                return new HttpNotFoundException(message, this.method, this.url, status, error);
            case 409:
                return new HttpConflictException(message, this.method, this.url, status, error);
            default:
                return new HttpNonTransientException(message, this.method, this.url, status, error, null);
        }
    }

    /**
     * @param failure         what the transport signalled
     * @param status          the response status when headers had arrived, else {@link HttpException#NO_STATUS}
     * @param responseTimeout the attempt's response timeout
     * @return the typed exception; {@code failure} itself when it is not a transport failure
     */
    Throwable forFailure(Throwable failure, int status, Duration responseTimeout) {
        if (failure instanceof HttpException) {
            return failure;
        }
        if (isPoolAcquireTimeout(failure)) {
            return new HttpConnectionException(this.method + ' ' + this.url + ": no pooled connection became free: "
                    + failure.getMessage(), this.method, this.url, HttpException.NO_STATUS, false, failure);
        }
        if (failure instanceof TimeoutException || failure instanceof ReadTimeoutException) {
            return new HttpResponseTimeoutException(this.method + ' ' + this.url + ": "
                    + (status == HttpException.NO_STATUS ? "no response within " : "the body stalled for ")
                    + responseTimeout.toMillis() + " ms", this.method, this.url, responseTimeout, failure);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return new HttpNonTransientException(this.method + ' ' + this.url + ": TLS failed: " + t.getMessage(),
                        this.method, this.url, status, null, failure);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                // io.netty.channel.ConnectTimeoutException is a ConnectException: nothing was sent either
                return new HttpConnectionException(this.method + ' ' + this.url + ": cannot connect: " + t.getMessage(),
                        this.method, this.url, HttpException.NO_STATUS, false, failure);
            }
            if (t instanceof PrematureCloseException || t instanceof AbortedException || t instanceof IOException) {
                return new HttpConnectionException(this.method + ' ' + this.url + ": connection lost "
                        + (status == HttpException.NO_STATUS ? "before the response" : "during the response (status " + status + ")")
                        + ": " + t.getMessage(), this.method, this.url, status, true, failure);
            }
        }
        return failure;
    }

    HttpResponseDecodingException decoding(int status, String what, Throwable cause) {
        return new HttpResponseDecodingException(this.method + ' ' + this.url + ": " + status + ": " + what
                + (cause == null || cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage())),
                this.method, this.url, status, cause);
    }

    HttpNonTransientException unexpectedStatus(int status, String reason) {
        return new HttpNonTransientException(this.method + ' ' + this.url + ": unexpected status " + status + ' ' + reason
                + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""),
                this.method, this.url, status, null, null);
    }

    private String message(int status, String reason, ServiceError error) {
        StringBuilder m = new StringBuilder(this.method).append(' ').append(this.url).append(": ").append(status);
        if (reason != null && !reason.isEmpty()) {
            m.append(' ').append(reason);
        }
        if (error != null) {
            if (error.message() != null) {
                m.append(": ").append(error.message());
            }
            if (error.type() != null || error.id() != null) {
                m.append(" [");
                if (error.type() != null) {
                    m.append("type ").append(error.type());
                }
                if (error.id() != null) {
                    m.append(error.type() != null ? ", " : "").append("error id ").append(error.id());
                }
                m.append(']');
            }
        }
        return m.toString();
    }

    static ServiceError serviceError(int status, byte[] body, ServiceErrorParser parser, ObjectMapper mapper) {
        String text = new String(body, StandardCharsets.UTF_8);
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                JsonNode node = mapper.readTree(body);
                if (node != null && !node.isMissingNode()) {
                    ServiceError parsed = null;
                    try {
                        parsed = parser.parse(status, node);
                    } catch (RuntimeException parserBug) {
                        // a parser must not throw; the generic reading is better than losing the error
                    }
                    if (parsed == null) {
                        parsed = GenericErrorParser.INSTANCE.parse(status, node);
                    }
                    return new ServiceError(parsed.id(), parsed.type(), truncate(parsed.message()), parsed.details());
                }
            } catch (IOException | RuntimeException notJson) {
                // a body that looks like JSON but is not (or was cut at the size limit): keep it as text
            }
        }
        String plain = trimmed.startsWith("<") ? SPACES.matcher(TAGS.matcher(trimmed).replaceAll(" ")).replaceAll(" ").strip()
                : SPACES.matcher(trimmed).replaceAll(" ");
        return new ServiceError(null, null, truncate(plain.isEmpty() ? trimmed : plain), null);
    }

    static String truncate(String s) {
        if (s == null || s.length() <= HttpException.MAX_BODY_TEXT) {
            return s;
        }
        return s.substring(0, HttpException.MAX_BODY_TEXT) + "...";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return truncate(nl < 0 ? s : s.substring(0, nl));
    }

    private static boolean isPoolAcquireTimeout(Throwable t) {
        // reactor-netty's PoolAcquireTimeoutException (reactor.netty.internal): waiting for a pooled connection
        return t.getClass().getSimpleName().equals("PoolAcquireTimeoutException");
    }
}

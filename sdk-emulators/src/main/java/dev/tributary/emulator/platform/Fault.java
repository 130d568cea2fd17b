package dev.tributary.emulator.platform;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * An answer the emulator gives instead of the real one, to test a client's retries and error
 * handling: what a rate limiter, a load balancer or a broken network in front of the service does.
 * Enqueue faults with {@link PlatformEmulator#enqueueFaults(String, String, int, Fault)}; each
 * matching request takes one and is answered by it without reaching the API (and without
 * authentication).
 *
 * <pre>{@code
 * emulator.enqueueFaults("GET", "/v2beta/import/.*", 2, Fault.tooManyRequests(Duration.ofSeconds(1)));
 * emulator.enqueueFaults("POST", "/v2beta/query", 1, Fault.dropConnection());
 * }</pre>
 * Immutable.
 */
public final class Fault {

    private static final String THROTTLED_JSON = "application/json";

    /** RFC 9110 section 5.6.7: {@code Sun, 06 Nov 1994 08:49:37 GMT} (two-digit day, unlike RFC_1123_DATE_TIME). */
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    private static final String NGINX_503 = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
            + "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    private final int status;
    private final String retryAfter;
    private final String contentType;
    private final String body;
    private final boolean drop;

    private Fault(int status, String retryAfter, String contentType, String body, boolean drop) {
        this.status = status;
        this.retryAfter = retryAfter;
        this.contentType = contentType;
        this.body = body;
        this.drop = drop;
    }

    /**
     * @return 429 Too Many Requests without {@code Retry-After}, with the Django REST framework's
     *         JSON body {@code {"detail": "Request was throttled."}}
     */
    public static Fault tooManyRequests() {
        return new Fault(429, null, THROTTLED_JSON, "{\"detail\":\"Request was throttled.\"}", false);
    }

    /**
     * @param retryAfter how long the client should wait; sent as {@code Retry-After: <seconds>}
     *                   (RFC 9110 section 10.2.3, delay-seconds), rounded up to whole seconds;
     *                   not negative
     * @return 429 Too Many Requests with that header and a JSON body saying when
     */
    public static Fault tooManyRequests(Duration retryAfter) {
        long seconds = seconds(retryAfter);
        return new Fault(429, Long.toString(seconds), THROTTLED_JSON,
                "{\"detail\":\"Request was throttled. Expected available in " + seconds + " second" + (seconds == 1 ? "" : "s") + ".\"}", false);
    }

    /**
     * @param retryAt when the client may retry; sent as {@code Retry-After: <HTTP-date>} (RFC 9110
     *                section 10.2.3, IMF-fixdate, whole seconds); not {@code null}
     * @return 429 Too Many Requests with that header
     */
    public static Fault tooManyRequests(Instant retryAt) {
        return new Fault(429, httpDate(retryAt), THROTTLED_JSON, "{\"detail\":\"Request was throttled.\"}", false);
    }

    /**
     * @return 503 Service Unavailable with an HTML body, as a load balancer sends it, without {@code Retry-After}
     */
    public static Fault serviceUnavailable() {
        return new Fault(503, null, "text/html", NGINX_503, false);
    }

    /**
     * @param retryAfter sent as {@code Retry-After: <seconds>}, rounded up; not negative
     * @return 503 Service Unavailable with an HTML body and that header
     */
    public static Fault serviceUnavailable(Duration retryAfter) {
        return new Fault(503, Long.toString(seconds(retryAfter)), "text/html", NGINX_503, false);
    }

    /**
     * @param retryAt sent as {@code Retry-After: <HTTP-date>}; not {@code null}
     * @return 503 Service Unavailable with an HTML body and that header
     */
    public static Fault serviceUnavailable(Instant retryAt) {
        return new Fault(503, httpDate(retryAt), "text/html", NGINX_503, false);
    }

    /**
     * Any answer, typically one that is not the API's JSON: a proxy's HTML error page, a plain-text
     * {@code 502 Bad Gateway}, or a {@code 200} whose body is not JSON.
     *
     * @param status      the HTTP status, 100..599
     * @param contentType the {@code Content-Type} header; not {@code null}
     * @param body        the body, sent as UTF-8; not {@code null}
     * @return the fault
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public static Fault status(int status, String contentType, String body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599, was " + status);
        }
        return new Fault(status, null, Objects.requireNonNull(contentType, "contentType"), Objects.requireNonNull(body, "body"), false);
    }

    /**
     * @return the connection is closed as soon as the request's headers arrive, without an answer
     *         (a client sees the connection closed before a response: a retryable network error)
     */
    public static Fault dropConnection() {
        return new Fault(0, null, null, null, true);
    }

    Mono<Void> respond(HttpServerResponse response) {
        if (this.drop) {
            response.withConnection(Connection::dispose);
            return Mono.empty();
        }
        HttpServerResponse r = response.status(HttpResponseStatus.valueOf(this.status))
                .header(HttpHeaderNames.CONTENT_TYPE, this.contentType + "; charset=utf-8");
        if (this.retryAfter != null) {
            r = r.header(HttpHeaderNames.RETRY_AFTER, this.retryAfter);
        }
        return r.sendByteArray(Mono.just(this.body.getBytes(StandardCharsets.UTF_8))).then();
    }

    private static long seconds(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be null or negative, was " + d);
        }
        return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    }

    private static String httpDate(Instant at) {
        Objects.requireNonNull(at, "retryAt");
        return IMF_FIXDATE.format(at.atOffset(ZoneOffset.UTC));
    }

    @Override
    public String toString() {
        if (this.drop) {
            return "Fault{drop connection}";
        }
        return "Fault{" + this.status + (this.retryAfter != null ? ", Retry-After: " + this.retryAfter : "") + ", " + this.contentType + '}';
    }
}

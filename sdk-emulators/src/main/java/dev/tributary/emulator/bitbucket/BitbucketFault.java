package dev.tributary.emulator.bitbucket;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An answer the emulator gives instead of the real one, to test a client's retries and error
 * handling. Enqueue faults with {@link BitbucketEmulator#enqueueFaults(String, String, int, BitbucketFault)};
 * each matching request takes one and is answered by it before authentication and routing.
 *
 * <pre>{@code
 * bitbucket.enqueueFaults("GET", "/2.0/repositories/acme/.*", 3, BitbucketFault.rateLimited());
 * bitbucket.enqueueFaults(null, ".*", 1, BitbucketFault.serverError(502));
 * }</pre>
 * Immutable.
 */
public final class BitbucketFault {

    /** The body Bitbucket Cloud sends with its 429 (plain text, no {@code Retry-After}). */
    static final String RATE_LIMITED_BODY = "Rate limit for this resource has been exceeded";

    private final int status;
    private final String contentType;
    private final String body;
    private final boolean drop;

    private BitbucketFault(int status, String contentType, String body, boolean drop) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.drop = drop;
    }

    /**
     * @return 429 Too Many Requests as Bitbucket Cloud sends it: {@code text/plain} body
     *         "Rate limit for this resource has been exceeded", and no {@code Retry-After} header
     */
    public static BitbucketFault rateLimited() {
        return new BitbucketFault(429, "text/plain", RATE_LIMITED_BODY, false);
    }

    /**
     * @param status 500, 502, 503 or 504
     * @return that status with a small HTML body, as the edge proxy answers, without {@code Retry-After}
     * @throws IllegalArgumentException for another status
     */
    public static BitbucketFault serverError(int status) {
        if (status != 500 && status != 502 && status != 503 && status != 504) {
            throw new IllegalArgumentException("serverError status must be 500, 502, 503 or 504, was " + status);
        }
        String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
        return new BitbucketFault(status, "text/html",
                "<html><head><title>" + status + " " + reason + "</title></head><body><h1>" + status + " " + reason + "</h1></body></html>\n", false);
    }

    /**
     * @param status      the HTTP status, 100..599
     * @param contentType the {@code Content-Type}; not {@code null}
     * @param body        the body, UTF-8; not {@code null}
     * @return any answer
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public static BitbucketFault status(int status, String contentType, String body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599, was " + status);
        }
        return new BitbucketFault(status, Objects.requireNonNull(contentType, "contentType"), Objects.requireNonNull(body, "body"), false);
    }

    /** @return the connection is closed without an answer (a retryable network error for the client) */
    public static BitbucketFault dropConnection() {
        return new BitbucketFault(0, null, null, true);
    }

    int status() {
        return this.status;
    }

    Mono<Void> respond(HttpServerResponse response) {
        if (this.drop) {
            response.withConnection(Connection::dispose);
            return Mono.empty();
        }
        return response.status(HttpResponseStatus.valueOf(this.status))
                .header(HttpHeaderNames.CONTENT_TYPE, this.contentType + "; charset=utf-8")
                .sendByteArray(Mono.just(this.body.getBytes(StandardCharsets.UTF_8)))
                .then();
    }

    @Override
    public String toString() {
        return this.drop ? "BitbucketFault{drop connection}" : "BitbucketFault{" + this.status + ", " + this.contentType + '}';
    }
}

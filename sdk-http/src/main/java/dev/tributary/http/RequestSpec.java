package dev.tributary.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * One request to a service, built from {@link HttpServiceClient#get(String, Object...)} and its
 * siblings, then run by one of the terminal methods ({@link #retrieve(Class)},
 * {@link #streamArray(String, Class)}, {@link #download()}...). Immutable: every builder method
 * returns a new spec, so a spec can be kept and run many times; nothing is sent until the
 * returned {@code Mono}/{@code Flux} is subscribed, and each subscription sends the request anew.
 * <p>
 * Every terminal method signals failures as {@link HttpException}s (see there for the transient
 * and non-transient split), after the retries {@link RetrySettings} allows; failures of the
 * credentials (e.g. {@link dev.tributary.http.auth.CredentialsUnavailableException}) pass through
 * as they are. A 2xx status is a success; 1xx and 3xx statuses are errors (redirects are not
 * followed, so that credentials never travel to a host chosen by the service).
 *
 * <pre>{@code
 * Mono<Database> db = client.get("/db/{user}/{db}", "alice", "demo").retrieve(Database.class);
 * Flux<List<Object>> rows = client.post("/query")
 *         .jsonBody(Map.of("query_string", "SELECT * FROM cities", "database_name", "alice/demo"))
 *         .safeToRepeat()                                   // a read: repeating it is harmless
 *         .streamArray("/data", new TypeReference<List<Object>>() { });
 * }</pre>
 */
public final class RequestSpec {

    private final HttpServiceClient client;
    private final HttpMethod method;
    private final URI url;
    private final List<Map.Entry<String, String>> query;
    private final List<Map.Entry<String, String>> headers;
    private final Object jsonBody;
    private final MultipartBody multipartBody;
    private final boolean safeToRepeat;
    private final RetrySettings retry;
    private final Duration responseTimeout;
    private final boolean anonymous;

    RequestSpec(HttpServiceClient client, HttpMethod method, URI url) {
        this(client, method, url, List.of(), List.of(), null, null, false, null, null, false);
    }

    private RequestSpec(HttpServiceClient client, HttpMethod method, URI url, List<Map.Entry<String, String>> query,
                        List<Map.Entry<String, String>> headers, Object jsonBody, MultipartBody multipartBody,
                        boolean safeToRepeat, RetrySettings retry, Duration responseTimeout, boolean anonymous) {
        this.client = client;
        this.method = method;
        this.url = url;
        this.query = query;
        this.headers = headers;
        this.jsonBody = jsonBody;
        this.multipartBody = multipartBody;
        this.safeToRepeat = safeToRepeat;
        this.retry = retry;
        this.responseTimeout = responseTimeout;
        this.anonymous = anonymous;
    }

    /**
     * Adds a header. {@code Authorization} cannot be set here (it comes from the client's
     * {@link dev.tributary.http.auth.Auth}); nor can {@code Content-Length}.
     *
     * @param name  the header name
     * @param value the value
     * @return a new spec with the header added
     * @throws IllegalArgumentException for {@code Authorization}, {@code Content-Length}, or a
     *                                  name or value with CR or LF
     */
    public RequestSpec header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Content-Length")) {
            throw new IllegalArgumentException(name + " is set by the client, not per request");
        }
        if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + " contains CR or LF");
        }
        return new RequestSpec(this.client, this.method, this.url, this.query, append(this.headers, name, value),
                this.jsonBody, this.multipartBody, this.safeToRepeat, this.retry, this.responseTimeout, this.anonymous);
    }

    /**
     * Adds a query parameter, percent-encoded (RFC 3986 §3.4) and appended to the URL's query.
     * Parameters named in {@link HttpServiceClient.Builder#sensitiveQueryParameters} are shown as
     * {@code REDACTED} in exception messages.
     *
     * @param name  the parameter name
     * @param value the value ({@code toString()}); {@code null} leaves the parameter out
     * @return a new spec with the parameter added
     */
    public RequestSpec query(String name, Object value) {
        Objects.requireNonNull(name, "name");
        if (value == null) {
            return this;
        }
        return new RequestSpec(this.client, this.method, this.url, append(this.query, name, value.toString()),
                this.headers, this.jsonBody, this.multipartBody, this.safeToRepeat, this.retry, this.responseTimeout, this.anonymous);
    }

    /**
     * Sends {@code body} as JSON ({@code Content-Type: application/json}), serialized with the
     * client's {@code ObjectMapper} when each attempt starts.
     *
     * @param body the value to serialize
     * @return a new spec with that body (replacing any other)
     */
    public RequestSpec jsonBody(Object body) {
        Objects.requireNonNull(body, "body");
        return new RequestSpec(this.client, this.method, this.url, this.query, this.headers, body, null,
                this.safeToRepeat, this.retry, this.responseTimeout, this.anonymous);
    }

    /**
     * Sends a {@code multipart/form-data} body (RFC 7578) with a precomputed {@code Content-Length}.
     *
     * @param body the parts
     * @return a new spec with that body (replacing any other)
     */
    public RequestSpec multipartBody(MultipartBody body) {
        Objects.requireNonNull(body, "body");
        return new RequestSpec(this.client, this.method, this.url, this.query, this.headers, null, body,
                this.safeToRepeat, this.retry, this.responseTimeout, this.anonymous);
    }

    /**
     * Declares that sending this request more than once is harmless (a POST that only reads, or
     * one the service de-duplicates), so that it is retried like an idempotent method.
     *
     * @return a new spec marked safe to repeat
     */
    public RequestSpec safeToRepeat() {
        return new RequestSpec(this.client, this.method, this.url, this.query, this.headers, this.jsonBody,
                this.multipartBody, true, this.retry, this.responseTimeout, this.anonymous);
    }

    /**
     * @param retry the retry settings of this request instead of the client's
     * @return a new spec with those settings
     */
    public RequestSpec retry(RetrySettings retry) {
        Objects.requireNonNull(retry, "retry");
        return new RequestSpec(this.client, this.method, this.url, this.query, this.headers, this.jsonBody,
                this.multipartBody, this.safeToRepeat, retry, this.responseTimeout, this.anonymous);
    }

    /**
     * @param timeout how long each attempt of this request may wait for the response headers, instead of
     *                the client's {@link HttpServiceClient.Builder#responseTimeout(Duration)}; positive
     * @return a new spec with that timeout
     */
    public RequestSpec responseTimeout(Duration timeout) {
        HttpServiceClient.checkPositive(timeout, "responseTimeout");
        return new RequestSpec(this.client, this.method, this.url, this.query, this.headers, this.jsonBody,
                this.multipartBody, this.safeToRepeat, this.retry, timeout, this.anonymous);
    }

    /**
     * Sends this request without the client's {@code Authorization} header, whatever its origin: for
     * URLs that carry their own authorization (a presigned download URL with a signature in its
     * query), which must not receive the client's credentials even when they share its origin.
     *
     * @return a new spec sent without credentials
     */
    public RequestSpec withoutAuthorization() {
        return new RequestSpec(this.client, this.method, this.url, this.query, this.headers, this.jsonBody,
                this.multipartBody, this.safeToRepeat, this.retry, this.responseTimeout, true);
    }

    /**
     * The same request (method, headers, body and settings) to another URL: {@code link} is resolved
     * against this request's URL as RFC 3986 §5 says (an absolute URL is used exactly as given; a
     * relative one keeps this URL's scheme and host), and the query parameters added with
     * {@link #query} are dropped (a link carries its own). How pagination follows a {@code next}
     * link.
     *
     * @param link an absolute or relative URL, already encoded
     * @return a new spec for that URL
     * @throws IllegalArgumentException when {@code link} is not a valid URI reference or not http(s)
     */
    public RequestSpec url(String link) {
        Objects.requireNonNull(link, "link");
        URI resolved;
        try {
            resolved = this.url.resolve(new URI(link));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("invalid link " + this.client.redact(link) + ": " + e.getReason(), e);
        }
        HttpServiceClient.checkHttpUrl(resolved);
        return new RequestSpec(this.client, this.method, resolved, List.of(), this.headers, this.jsonBody,
                this.multipartBody, this.safeToRepeat, this.retry, this.responseTimeout, this.anonymous);
    }

    /** @return the request method */
    public HttpMethod getMethod() {
        return this.method;
    }

    /** @return the complete URL, query parameters included, as it is sent */
    public URI getUrl() {
        return this.client.withQuery(this.url, this.query);
    }

    /**
     * Decodes the body with the client's {@code ObjectMapper}.
     *
     * @param type the body's type
     * @param <T>  the body's type
     * @return the decoded body; empty when the response has no body (204, or zero length); onError
     * {@link HttpException} ({@link HttpResponseDecodingException} for a body that does not decode)
     */
    public <T> Mono<T> retrieve(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return this.client.exchange(this).retrieve(this.client.objectMapper().constructType(type));
    }

    /**
     * Decodes the body with the client's {@code ObjectMapper}, for generic types.
     *
     * @param type the body's type, e.g. {@code new TypeReference<List<Database>>() { }}
     * @param <T>  the body's type
     * @return the decoded body; empty when the response has no body; onError {@link HttpException}
     */
    public <T> Mono<T> retrieve(TypeReference<T> type) {
        Objects.requireNonNull(type, "type");
        return this.client.exchange(this).retrieve(this.client.objectMapper().constructType(type));
    }

    /**
     * Like {@link #retrieve(Class)}, with the response's status and headers: for a {@code 202} whose
     * {@code Location} names what to poll.
     *
     * @param type the body's type
     * @param <T>  the body's type
     * @return the status, headers and decoded body ({@code null} when there was none); empty for a 204
     * or 205; onError {@link HttpException}
     */
    public <T> Mono<HttpResult<T>> retrieveResult(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return this.client.exchange(this).retrieveResult(this.client.objectMapper().constructType(type));
    }

    /**
     * @return the body as a JSON tree; empty when the response has no body; onError {@link HttpException}
     */
    public Mono<JsonNode> retrieveJson() {
        return retrieve(JsonNode.class);
    }

    /**
     * Sends the request and discards the response body (still read, so that the connection can be
     * reused).
     *
     * @return completes on a 2xx response; onError {@link HttpException}
     */
    public Mono<Void> execute() {
        return this.client.exchange(this).discard();
    }

    /**
     * Streams the elements of a JSON array in the body, decoding them as they arrive (Jackson's
     * non-blocking parser), with backpressure: the body is read only as fast as the subscriber
     * requests elements, and released on complete, error and cancel. Fields before and after the
     * array are skipped.
     *
     * @param jsonPointer where the array is (RFC 6901): {@code ""} for a body that is the array,
     *                    {@code "/data"} for {@code {"metadata": ..., "data": [...]}}
     * @param elementType the elements' type
     * @param <T>         the elements' type
     * @return the elements in order; onError {@link HttpException}
     * ({@link HttpResponseDecodingException} when the body is malformed, there is no array at
     * {@code jsonPointer}, or an element is {@code null} or does not decode). Not retried once an
     * element has been emitted.
     */
    public <T> Flux<T> streamArray(String jsonPointer, Class<T> elementType) {
        Objects.requireNonNull(elementType, "elementType");
        return this.client.exchange(this).streamArray(jsonPointer, this.client.objectMapper().constructType(elementType));
    }

    /**
     * {@link #streamArray(String, Class)} for generic element types.
     *
     * @param jsonPointer where the array is (RFC 6901)
     * @param elementType the elements' type, e.g. {@code new TypeReference<List<Object>>() { }}
     * @param <T>         the elements' type
     * @return the elements in order; onError {@link HttpException}
     */
    public <T> Flux<T> streamArray(String jsonPointer, TypeReference<T> elementType) {
        Objects.requireNonNull(elementType, "elementType");
        return this.client.exchange(this).streamArray(jsonPointer, this.client.objectMapper().constructType(elementType));
    }

    /**
     * Streams a JSON array like {@link #streamArray(String, Class)} and hands {@code handler} what
     * preceded the array (e.g. a query result's {@code metadata}, with the column names) together
     * with the elements, before the first element is decoded.
     * <p>
     * The head is an {@code ObjectNode} with every field that comes before the array in the body, at
     * every level on the way to it (the array's own field left out); {@code MissingNode} when the
     * body is the array. Fields after the array are not seen. The elements' {@code Flux} may be
     * subscribed once; when the publisher {@code handler} returns completes without consuming it,
     * the response is released.
     *
     * <pre>{@code
     * Flux<Map<String, Object>> rows = spec.streamArray("/data", List.class, (head, arrays) -> {
     *     List<String> columns = columnsOf(head.path("metadata"));
     *     return arrays.map(values -> zip(columns, values));
     * });
     * }</pre>
     *
     * @param jsonPointer where the array is (RFC 6901)
     * @param elementType the elements' type
     * @param handler     given the head and the elements, returns what to emit
     * @param <T>         the elements' type
     * @param <R>         what is emitted
     * @return what {@code handler} returns; onError {@link HttpException} (also when the array is missing)
     */
    public <T, R> Flux<R> streamArray(String jsonPointer, Class<T> elementType,
                                      BiFunction<JsonNode, Flux<T>, ? extends Publisher<R>> handler) {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(handler, "handler");
        return this.client.exchange(this)
                .streamArray(jsonPointer, this.client.objectMapper().constructType(elementType), handler);
    }

    /**
     * Streams the body as it arrives, each chunk copied into a heap {@code ByteBuffer} of its own
     * (the network buffers are released at once), with backpressure. Authorization is sent only when
     * the URL's origin is the client's (a presigned URL elsewhere gets none).
     *
     * @return the body's bytes in order; onError {@link HttpException}; not retried once a chunk has
     * been emitted
     */
    public Flux<ByteBuffer> download() {
        return this.client.exchange(this).download();
    }

    /**
     * Writes the body to a file without blocking (an {@code AsynchronousFileChannel}; the file is
     * opened and closed on {@code Schedulers.boundedElastic()}), creating or truncating it. On error
     * or cancel the partly written file is deleted.
     *
     * @param target the file to write
     * @return the number of bytes written; onError {@link HttpException}, or
     * {@link java.io.UncheckedIOException} when the file cannot be written
     */
    public Mono<Long> downloadTo(Path target) {
        Objects.requireNonNull(target, "target");
        return this.client.exchange(this).downloadTo(target);
    }

    HttpServiceClient client() {
        return this.client;
    }

    URI baseUrl() {
        return this.url;
    }

    List<Map.Entry<String, String>> headers() {
        return this.headers;
    }

    Object jsonBodyValue() {
        return this.jsonBody;
    }

    MultipartBody multipartBodyValue() {
        return this.multipartBody;
    }

    boolean isAnonymous() {
        return this.anonymous;
    }

    boolean isSafeToRepeat() {
        return this.safeToRepeat;
    }

    RetrySettings retrySettings() {
        return this.retry;
    }

    Duration responseTimeoutValue() {
        return this.responseTimeout;
    }

    /** @return the method and the redacted URL */
    @Override
    public String toString() {
        return this.method.name() + ' ' + this.client.redact(getUrl().toString());
    }

    private static List<Map.Entry<String, String>> append(List<Map.Entry<String, String>> list, String name, String value) {
        List<Map.Entry<String, String>> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(Map.entry(name, value));
        return Collections.unmodifiableList(copy);
    }
}

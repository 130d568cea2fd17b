package dev.tributary.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.http.auth.Auth;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs one {@link RequestSpec}: authorization (origin-checked), attempts, the 401 refresh-and-replay,
 * retries, error typing and what is done with a 2xx body.
 */
final class Exchange {

    /** How much of an error body is read to explain the error. */
    static final int MAX_ERROR_BODY = 64 * 1024;

    private static final String JSON = "application/json";

    private final HttpServiceClient client;
    private final RequestSpec spec;
    private final HttpMethod method;
    private final String url;
    private final ExceptionFactory errors;
    private final Duration responseTimeout;

    Exchange(HttpServiceClient client, RequestSpec spec) {
        this.client = client;
        this.spec = spec;
        this.method = spec.getMethod();
        this.url = spec.getUrl().toASCIIString();
        this.errors = new ExceptionFactory(this.method.name(), client.redact(this.url));
        this.responseTimeout = spec.responseTimeoutValue() != null ? spec.responseTimeoutValue() : client.responseTimeout();
    }

    /** What to do with a 2xx response. */
    @FunctionalInterface
    interface BodyReader<T> {
        Publisher<T> read(HttpClientResponse response, Connection connection, int status);
    }

    <T> Mono<T> retrieve(JavaType type) {
        ObjectMapper mapper = this.client.objectMapper();
        BodyReader<T> reader = (response, connection, status) -> connection.inbound().receive().aggregate().asByteArray()
                .flatMap(bytes -> Mono.justOrEmpty(this.<T>cast(decode(mapper, bytes, type, status))));
        return run(JSON, true, reader).next();
    }

    <T> Mono<HttpResult<T>> retrieveResult(JavaType type) {
        ObjectMapper mapper = this.client.objectMapper();
        BodyReader<HttpResult<T>> reader = (response, connection, status) -> {
            io.netty.handler.codec.http.HttpHeaders headers = response.responseHeaders().copy();
            return connection.inbound().receive().aggregate().asByteArray()
                    .map(bytes -> new HttpResult<>(status, headers, this.<T>cast(decode(mapper, bytes, type, status))))
                    .defaultIfEmpty(new HttpResult<>(status, headers, null));
        };
        return run(JSON, true, reader).next();
    }

    Mono<Void> discard() {
        return this.<Void>run(null, true, (response, connection, status) -> connection.inbound().receive().then()).then();
    }

    <T> Flux<T> streamArray(String pointer, JavaType elementType) {
        return this.<Object>array(pointer, elementType, false).map(this::<T>cast);
    }

    <T, R> Flux<R> streamArray(String pointer, JavaType elementType,
                               BiFunction<JsonNode, Flux<T>, ? extends Publisher<R>> handler) {
        return this.<Object>array(pointer, elementType, true).switchOnFirst((first, all) -> {
            if (first.hasValue() && first.get() instanceof JsonArrayDecoder.Head) {
                JsonNode head = ((JsonArrayDecoder.Head) first.get()).node;
                return handler.apply(head, all.skip(1).map(this::<T>cast));
            }
            // an error or an empty completion before the head: pass it on
            return all.map(this::<R>cast);
        });
    }

    Flux<ByteBuffer> download() {
        return run("*/*", false, (response, connection, status) -> connection.inbound().receive().map(Exchange::copy));
    }

    Mono<Long> downloadTo(Path target) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> AsynchronousFileChannel.open(target, StandardOpenOption.WRITE,
                                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))
                        .onErrorMap(IOException.class, e -> new UncheckedIOException("cannot open " + target + " for writing: " + e, e))
                        .subscribeOn(Schedulers.boundedElastic()),
                channel -> {
                    long[] position = {0};
                    return download()
                            .concatMap(buffer -> {
                                long at = position[0];
                                position[0] += buffer.remaining();
                                return write(channel, buffer, at, target);
                            }, 1)
                            .then(Mono.fromSupplier(() -> position[0]));
                },
                channel -> close(channel, null),
                (channel, error) -> close(channel, target),
                channel -> close(channel, target));
    }

    // --- the flow of one request

    private <T> Flux<T> array(String pointer, JavaType elementType, boolean head) {
        ObjectMapper mapper = this.client.objectMapper();
        return run(JSON, false, (response, connection, status) -> {
            JsonArrayDecoder decoder = new JsonArrayDecoder(mapper, pointer, elementType, head);
            Flux<List<Object>> chunks = connection.inbound().receive()
                    .map(decoder::feed)   // decoded at once: the chunk is released when onNext returns
                    .concatWith(Mono.fromCallable(decoder::end));
            return chunks
                    .onErrorMap(JsonArrayDecoder.DecodingFailure.class,
                            e -> this.errors.decoding(status, e.getMessage(), e.getCause()))
                    .concatMapIterable(Function.identity(), 1)
                    .doFinally(signal -> decoder.close())
                    .map(this::<T>cast);
        });
    }

    /**
     * @param accept     the {@code Accept} header, or {@code null} for none
     * @param aggregated whether the body is read whole (netty's response timeout then also bounds
     *                   pauses between reads; a stream may pause as long as its subscriber wants)
     */
    private <T> Flux<T> run(String accept, boolean aggregated, BodyReader<T> reader) {
        RetrySettings settings = this.spec.retrySettings() != null ? this.spec.retrySettings() : this.client.retry();
        boolean repeatable = this.spec.isSafeToRepeat() || RetryPolicy.isIdempotent(this.method);
        return Flux.defer(() -> {
            AtomicBoolean emitted = new AtomicBoolean();
            return authorized(accept, aggregated, reader, false)
                    .doOnNext(value -> emitted.lazySet(true))
                    .retryWhen(RetryPolicy.retry(settings, repeatable, () -> !emitted.get(), this.client.scheduler()));
        });
    }

    private <T> Flux<T> authorized(String accept, boolean aggregated, BodyReader<T> reader, boolean replayed) {
        if (this.spec.isAnonymous() || !this.client.isSameOrigin(this.spec.getUrl())) {
            // never send credentials to another origin (a presigned download URL, a link elsewhere),
            // nor to a URL that carries its own authorization
            return attempt(null, accept, aggregated, reader);
        }
        Auth auth = this.client.auth();
        return auth.authorization().map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMapMany(authorization -> attempt(authorization.orElse(null), accept, aggregated, reader)
                        .onErrorResume(e -> !replayed && e instanceof HttpUnauthorizedException,
                                e -> auth.refreshAfterUnauthorized(authorization.orElse(null))
                                        .defaultIfEmpty(false)
                                        .flatMapMany(refreshed -> refreshed
                                                ? authorized(accept, aggregated, reader, true)
                                                : Flux.error(e))));
    }

    private <T> Flux<T> attempt(String authorization, String accept, boolean aggregated, BodyReader<T> reader) {
        return Flux.defer(() -> {
            AtomicInteger status = new AtomicInteger(HttpException.NO_STATUS);
            return body().flatMapMany(body -> this.client.httpClient()
                            .request(this.method)
                            .uri(this.url)
                            .send((request, outbound) -> send(request, outbound, body, authorization, accept, aggregated))
                            .responseConnection((response, connection) -> {
                                int code = response.status().code();
                                status.set(code);
                                return respond(response, connection, code, reader);
                            }))
                    .timeout(headersTimeout(status), value -> Mono.never())
                    .onErrorMap(e -> this.errors.forFailure(e, status.get(), this.responseTimeout));
        });
    }

    /** Fires after the response timeout unless the response headers have arrived by then. */
    private Mono<Long> headersTimeout(AtomicInteger status) {
        return Mono.delay(this.responseTimeout, this.client.scheduler())
                .flatMap(tick -> status.get() == HttpException.NO_STATUS ? Mono.just(tick) : Mono.never());
    }

    private <T> Publisher<T> respond(HttpClientResponse response, Connection connection, int status, BodyReader<T> reader) {
        if (status >= 200 && status < 300) {
            if (status == 204 || status == 205) {
                return connection.inbound().receive().then(Mono.empty());
            }
            return reader.read(response, connection, status);
        }
        String reason = response.status().reasonPhrase();
        if (status < 400) {
            return connection.inbound().receive().then(Mono.error(this.errors.unexpectedStatus(status, reason)));
        }
        Duration retryAfter = RetryAfter.parse(response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER),
                response.responseHeaders().get(HttpHeaderNames.DATE), this.client.scheduler().now(TimeUnit.MILLISECONDS));
        return errorBody(connection).flatMap(body -> Mono.error(this.errors.forStatus(status, reason, body,
                this.client.errorParser(), this.client.objectMapper(), retryAfter)));
    }

    /** Up to {@link #MAX_ERROR_BODY} bytes of the body; the rest is read and dropped. */
    private static Mono<byte[]> errorBody(Connection connection) {
        return connection.inbound().receive()
                .reduceWith(ByteArrayOutputStream::new, (kept, chunk) -> {
                    int n = Math.min(chunk.readableBytes(), MAX_ERROR_BODY - kept.size());
                    if (n > 0) {
                        byte[] bytes = new byte[n];
                        chunk.getBytes(chunk.readerIndex(), bytes);
                        kept.write(bytes, 0, n);
                    }
                    return kept;
                })
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(new byte[0]);
    }

    // --- the request

    /** The body of one attempt, prepared anew each time (a retry streams the files again). */
    private static final class Body {
        static final Body NONE = new Body(null, -1, null, null);

        final String contentType;
        final long length;
        final byte[] bytes;
        final Flux<ByteBuf> stream;

        Body(String contentType, long length, byte[] bytes, Flux<ByteBuf> stream) {
            this.contentType = contentType;
            this.length = length;
            this.bytes = bytes;
            this.stream = stream;
        }
    }

    private Mono<Body> body() {
        Object json = this.spec.jsonBodyValue();
        if (json != null) {
            return Mono.fromCallable(() -> {
                try {
                    byte[] bytes = this.client.objectMapper().writeValueAsBytes(json);
                    return new Body(JSON, bytes.length, bytes, null);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("the request body of " + this.spec + " (a "
                            + json.getClass().getName() + ") does not serialize to JSON: " + e.getOriginalMessage(), e);
                }
            });
        }
        MultipartBody multipart = this.spec.multipartBodyValue();
        if (multipart != null) {
            return MultipartEncoder.encode(multipart)
                    .map(encoded -> new Body(multipart.getContentType(), encoded.length, null, encoded.content));
        }
        return Mono.just(Body.NONE);
    }

    private Publisher<Void> send(HttpClientRequest request, NettyOutbound outbound, Body body, String authorization,
                                 String accept, boolean aggregated) {
        for (Map.Entry<String, String> header : this.client.defaultHeaders()) {
            request.header(header.getKey(), header.getValue());
        }
        request.header(HttpHeaderNames.USER_AGENT, this.client.userAgent());
        if (accept != null) {
            request.header(HttpHeaderNames.ACCEPT, accept);
        }
        for (Map.Entry<String, String> header : this.spec.headers()) {
            request.header(header.getKey(), header.getValue());
        }
        if (authorization != null) {
            request.header(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        if (aggregated) {
            request.responseTimeout(this.responseTimeout);
        }
        if (body.contentType != null) {
            request.header(HttpHeaderNames.CONTENT_TYPE, body.contentType);
            // a Content-Length keeps reactor-netty from switching to chunked transfer encoding
            request.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(body.length));
            return body.bytes != null ? outbound.sendByteArray(Mono.just(body.bytes)) : outbound.send(body.stream);
        }
        if (this.method == HttpMethod.POST || this.method == HttpMethod.PUT || this.method == HttpMethod.PATCH) {
            request.header(HttpHeaderNames.CONTENT_LENGTH, "0");
        }
        return outbound;
    }

    // --- bodies

    private Object decode(ObjectMapper mapper, byte[] bytes, JavaType type, int status) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw this.errors.decoding(status, "the body does not decode as " + type.toCanonical(), e);
        }
    }

    private static ByteBuffer copy(ByteBuf chunk) {
        ByteBuffer copy = ByteBuffer.allocate(chunk.readableBytes());
        chunk.getBytes(chunk.readerIndex(), copy);
        copy.flip();
        return copy;
    }

    private static Mono<Long> write(AsynchronousFileChannel channel, ByteBuffer buffer, long position, Path target) {
        return Mono.create(sink -> channel.write(buffer, position, position, new CompletionHandler<Integer, Long>() {
            @Override
            public void completed(Integer written, Long at) {
                if (buffer.hasRemaining()) {
                    channel.write(buffer, at + written, at + written, this);
                } else {
                    sink.success(at + written);
                }
            }

            @Override
            public void failed(Throwable e, Long at) {
                sink.error(new UncheckedIOException("cannot write " + target + ": " + e,
                        e instanceof IOException ? (IOException) e : new IOException(e)));
            }
        }));
    }

    /** Closes the file; deletes it when {@code delete} is given (an error or a cancel). */
    private static Mono<Void> close(AsynchronousFileChannel channel, Path delete) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                channel.close();
                if (delete != null) {
                    Files.deleteIfExists(delete);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @SuppressWarnings("unchecked")
    private <T> T cast(Object value) {
        return (T) value;
    }
}

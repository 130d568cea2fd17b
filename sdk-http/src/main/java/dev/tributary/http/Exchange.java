package dev.tributary.http;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.BiFunction;

/** Runs one {@link RequestSpec}: attempts, authorization, retries, error typing, body handling. */
final class Exchange {

    private final HttpServiceClient client;
    private final RequestSpec spec;

    Exchange(HttpServiceClient client, RequestSpec spec) {
        this.client = client;
        this.spec = spec;
    }

    <T> Mono<T> retrieve(JavaType type) {
        return Mono.error(new UnsupportedOperationException("not yet"));
    }

    Mono<Void> discard() {
        return Mono.error(new UnsupportedOperationException("not yet"));
    }

    <T> Flux<T> streamArray(String pointer, JavaType elementType) {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }

    <T, R> Flux<R> streamArray(String pointer, JavaType elementType,
                               BiFunction<JsonNode, Flux<T>, ? extends Publisher<R>> handler) {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }

    Flux<ByteBuffer> download() {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }

    Mono<Long> downloadTo(Path target) {
        return Mono.error(new UnsupportedOperationException("not yet"));
    }
}

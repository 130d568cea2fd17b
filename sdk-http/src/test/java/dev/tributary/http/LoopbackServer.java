package dev.tributary.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/** A reactor-netty server on 127.0.0.1, port 0, for the tests: counts and records what it receives. */
final class LoopbackServer implements AutoCloseable {

    /** A request as the server saw it, body included. */
    static final class Seen {
        final String method;
        final String uri;
        final HttpHeaders headers;
        final byte[] body;

        Seen(String method, String uri, HttpHeaders headers, byte[] body) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            return this.headers.get(name);
        }
    }

    /** Answers a recorded request. */
    @FunctionalInterface
    interface Handler {
        Publisher<Void> handle(Seen request, HttpServerResponse response);
    }

    private final DisposableServer server;
    private final AtomicInteger requests;
    private final List<Seen> seen;

    private LoopbackServer(DisposableServer server, AtomicInteger requests, List<Seen> seen) {
        this.server = server;
        this.requests = requests;
        this.seen = seen;
    }

    /** A server that reads each request body whole, records the request, then lets {@code handler} answer. */
    static LoopbackServer start(Handler handler) {
        return start(handler, UnaryOperator.identity());
    }

    static LoopbackServer start(Handler handler, UnaryOperator<HttpServer> configure) {
        AtomicInteger requests = new AtomicInteger();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        return startRaw((request, response) -> {
            return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                    .flatMap(body -> {
                        Seen s = new Seen(request.method().name(), request.uri(),
                                new DefaultHttpHeaders().add(request.requestHeaders()), body);
                        seen.add(s);
                        requests.incrementAndGet();
                        return Mono.from(handler.handle(s, response));
                    });
        }, configure, requests, seen, false);
    }

    /** A server whose handler sees the raw exchange; requests are counted when they arrive. */
    static LoopbackServer startRaw(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        return startRaw(handler, UnaryOperator.identity(), new AtomicInteger(), new CopyOnWriteArrayList<>(), true);
    }

    private static LoopbackServer startRaw(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler,
                                           UnaryOperator<HttpServer> configure, AtomicInteger requests, List<Seen> seen,
                                           boolean count) {
        DisposableServer server = configure.apply(HttpServer.create().host("127.0.0.1").port(0))
                .handle((request, response) -> {
                    if (count) {
                        requests.incrementAndGet();
                    }
                    return handler.apply(request, response);
                })
                .bindNow(Duration.ofSeconds(10));
        return new LoopbackServer(server, requests, seen);
    }

    String url() {
        return "http://127.0.0.1:" + this.server.port();
    }

    int port() {
        return this.server.port();
    }

    int requests() {
        return this.requests.get();
    }

    List<Seen> seen() {
        return this.seen;
    }

    Seen last() {
        return this.seen.get(this.seen.size() - 1);
    }

    @Override
    public void close() {
        this.server.disposeNow(Duration.ofSeconds(5));
    }
}

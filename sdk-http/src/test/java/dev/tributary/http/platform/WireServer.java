package dev.tributary.http.platform;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A reactor-netty server on 127.0.0.1, port 0, that records every request (body read whole) and
 * lets the test answer it: for the platform client's wire-format checks.
 */
final class WireServer implements AutoCloseable {

    /** A request as the server saw it. */
    record Seen(String method, String uri, HttpHeaders headers, byte[] body) {

        String header(String name) {
            return this.headers.get(name);
        }

        String text() {
            return new String(this.body, StandardCharsets.UTF_8);
        }
    }

    /** Answers a recorded request. */
    @FunctionalInterface
    interface Handler {
        Publisher<Void> handle(Seen request, HttpServerResponse response);
    }

    private final DisposableServer server;
    private final List<Seen> seen;

    private WireServer(DisposableServer server, List<Seen> seen) {
        this.server = server;
        this.seen = seen;
    }

    static WireServer start(Handler handler) {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            Seen s = new Seen(request.method().name(), request.uri(),
                                    new DefaultHttpHeaders().add(request.requestHeaders()), body);
                            seen.add(s);
                            return Mono.from(handler.handle(s, response));
                        }))
                .bindNow(Duration.ofSeconds(10));
        return new WireServer(server, seen);
    }

    /** @return the base URL of the API on this server: {@code http://127.0.0.1:<port>/v2beta} */
    String baseUrl() {
        return origin() + "/v2beta";
    }

    String origin() {
        return "http://127.0.0.1:" + this.server.port();
    }

    List<Seen> seen() {
        return this.seen;
    }

    Seen last() {
        return this.seen.get(this.seen.size() - 1);
    }

    static Mono<Void> json(HttpServerResponse response, int status, String json) {
        return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(json)).then();
    }

    @Override
    public void close() {
        this.server.disposeNow(Duration.ofSeconds(5));
    }
}

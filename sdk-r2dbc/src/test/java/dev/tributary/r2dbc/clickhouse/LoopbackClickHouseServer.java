package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.postgres.ServerTls;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.tcp.SslProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS (or plain HTTP) server of the tests on 127.0.0.1 (port 0) that answers like the ClickHouse HTTP
 * interface and records what arrives: for ByteHouse behaviour (TLS, the API-key user, account
 * logins, warehouse settings) that no local ClickHouse can check. Its certificate comes from a
 * {@link ServerTls} (valid for that instance's DNS names only, {@code localhost} here).
 * <p>
 * Answers, in TabSeparatedWithNamesAndTypes: the handshake ({@code SELECT version(), timezone()})
 * with {@code 18.16.1} and {@code Etc/UTC}; {@code SELECT 1} with one {@code UInt8} row;
 * a wrong user or password with ClickHouse's {@code Code: 193} (HTTP 403); anything else with
 * {@code Code: 62} (HTTP 400), so that a test notices an unexpected statement.
 */
final class LoopbackClickHouseServer implements AutoCloseable {

    /** One request as it arrived, decoded. */
    record Received(String method, String uri, Map<String, List<String>> parameters, Map<String, String> headers, String body,
                    String user, String key) {

        /** @return the first value of a URL parameter, or {@code null} */
        String parameter(String name) {
            List<String> values = this.parameters.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final DisposableServer server;
    private final Path keyDirectory;
    private final String expectedUser;
    private final String expectedKey;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger acceptedConnections = new AtomicInteger();

    private LoopbackClickHouseServer(ServerTls tls, String expectedUser, String expectedKey) {
        this.expectedUser = expectedUser;
        this.expectedKey = expectedKey;
        HttpServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                // as ClickHouse's keep_alive_timeout: idle keep-alive connections are closed, so close() need not wait
                .idleTimeout(Duration.ofSeconds(1))
                .doOnChannelInit((observer, channel, address) -> this.acceptedConnections.incrementAndGet())
                .handle(this::answer);
        if (tls != null) {
            try {
                this.keyDirectory = Files.createTempDirectory("tributary-loopback-ch-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tls.writeServerFiles(this.keyDirectory);
            Http11SslContextSpec ssl = Http11SslContextSpec.forServer(
                    this.keyDirectory.resolve(ServerTls.SERVER_CERTIFICATE_FILE).toFile(),
                    this.keyDirectory.resolve(ServerTls.SERVER_KEY_FILE).toFile());
            server = server.secure(spec -> spec.sslContext((SslProvider.GenericSslContextSpec<?>) ssl));
        } else {
            this.keyDirectory = null;
        }
        this.server = server.bindNow(Duration.ofSeconds(10));
    }

    /**
     * Starts the server (blocking: key files are written, the port bound).
     *
     * @param tls          its certificate, or {@code null} for plain HTTP
     * @param expectedUser the user it accepts
     * @param expectedKey  that user's password
     * @return the running server
     */
    static LoopbackClickHouseServer start(ServerTls tls, String expectedUser, String expectedKey) {
        return new LoopbackClickHouseServer(tls, expectedUser, expectedKey);
    }

    int port() {
        return this.server.port();
    }

    /** @return the requests so far, in order of arrival */
    List<Received> received() {
        return new ArrayList<>(this.received);
    }

    /** @return how many TCP connections were accepted (TLS handshakes attempted) */
    int acceptedConnections() {
        return this.acceptedConnections.get();
    }

    void reset() {
        this.received.clear();
        this.acceptedConnections.set(0);
    }

    private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
            Received arrived = record(request, body);
            this.received.add(arrived);
            if (!this.expectedUser.equals(arrived.user()) || !this.expectedKey.equals(arrived.key())) {
                return send(response, HttpResponseStatus.FORBIDDEN, "Code: 193, e.displayText() = DB::Exception: Wrong password for user "
                        + arrived.user() + ", e.what() = DB::Exception\n");
            }
            String sql = (arrived.parameter("query") == null ? "" : arrived.parameter("query")) + body;
            String normalized = sql.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            if (normalized.contains("version()") && normalized.contains("timezone()")) {
                return send(response, HttpResponseStatus.OK, "version()\ttimezone()\nString\tString\n18.16.1\tEtc/UTC\n");
            }
            if (normalized.matches("\\s*select 1\\b.*")) {
                return send(response, HttpResponseStatus.OK, "1\nUInt8\n1\n");
            }
            return send(response, HttpResponseStatus.BAD_REQUEST, "Code: 62, e.displayText() = DB::Exception: Syntax error: the loopback"
                    + " test server only answers the handshake and SELECT 1, e.what() = DB::Exception\n");
        });
    }

    private static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String text) {
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/tab-separated-values; charset=UTF-8")
                .sendString(Mono.just(text), StandardCharsets.UTF_8)
                .then();
    }

    private static Received record(HttpServerRequest request, String body) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, String> headers = new LinkedHashMap<>();
        request.requestHeaders().forEach(header -> headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
        String user = null;
        String key = null;
        String authorization = headers.get("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            user = colon < 0 ? decoded : decoded.substring(0, colon);
            key = colon < 0 ? "" : decoded.substring(colon + 1);
        } else if (headers.containsKey("x-clickhouse-user")) {
            user = headers.get("x-clickhouse-user");
            key = headers.getOrDefault("x-clickhouse-key", "");
        } else if (uri.parameters().containsKey("user")) {
            user = uri.parameters().get("user").get(0);
            key = uri.parameters().containsKey("password") ? uri.parameters().get("password").get(0) : "";
        }
        return new Received(request.method().name(), request.uri(), uri.parameters(), headers, body, user, key);
    }

    @Override
    public void close() {
        this.server.disposeNow(Duration.ofSeconds(5));
        if (this.keyDirectory == null) {
            return;
        }
        try (var files = Files.list(this.keyDirectory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(this.keyDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + this.keyDirectory, e);
        }
    }
}

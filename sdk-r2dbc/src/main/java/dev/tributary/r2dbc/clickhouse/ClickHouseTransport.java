package dev.tributary.r2dbc.clickhouse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.NettyOutbound;
import org.reactivestreams.Publisher;
import reactor.netty.resources.ConnectionProvider;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The HTTP side of the driver: one configured reactor-netty {@link HttpClient} per
 * {@link ClickHouseConnection}, on its own {@link ConnectionProvider} of at most one keep-alive
 * TCP connection (so statements on one R2DBC connection run one after the other, FIFO, and a
 * {@code session_id} never runs two queries at once), plus the factory's control client
 * ({@link Control}) that sends {@code KILL QUERY} on a connection of its own.
 * <p>
 * Credentials travel in headers (Basic, RFC 7617, or {@code X-ClickHouse-User}/{@code X-ClickHouse-Key}),
 * never in the URL. See the ClickHouse HTTP interface documentation
 * (<a href="https://clickhouse.com/docs/en/interfaces/http">clickhouse.com/docs/en/interfaces/http</a>).
 */
final class ClickHouseTransport {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseTransport.class);

    /**
     * Idle keep-alive connections are closed by the client before the server would (ClickHouse's
     * {@code keep_alive_timeout} defaults to 3 s), so that a request rarely meets a connection the
     * server is closing.
     */
    static final Duration MAX_IDLE = Duration.ofSeconds(2);

    /**
     * Marks a TCP connection cut under a request (a cancel before the response, an abandoned body).
     * Its close runs later on its event loop, after the connection may already be back in the
     * provider; the mark keeps the provider from lending it again in between (its eviction
     * predicate is checked on every acquire and release), where the next statement would meet
     * "Connection prematurely closed BEFORE response".
     */
    private static final AttributeKey<Boolean> CUT = AttributeKey.valueOf(ClickHouseTransport.class, "cut");

    /** The response header of ClickHouse 19.x and later with the progress of a finished query. */
    static final String SUMMARY_HEADER = "X-ClickHouse-Summary";

    private final ClickHouseConnectionConfiguration configuration;
    private final ConnectionProvider provider;
    private final HttpClient client;
    private final String sessionId;
    private final AtomicBoolean disposed = new AtomicBoolean();

    private ClickHouseTransport(ClickHouseConnectionConfiguration configuration, ConnectionProvider provider, HttpClient client) {
        this.configuration = configuration;
        this.provider = provider;
        this.client = client;
        this.sessionId = configuration.session() ? randomId() : null;
    }

    /**
     * A random (version 4) UUID for a {@code query_id} or {@code session_id}, from
     * {@link ThreadLocalRandom}: {@link UUID#randomUUID()} reads {@code /dev/urandom}, a blocking
     * call on an event loop. The ids identify, they do not authorise (ClickHouse checks the user
     * on {@code KILL QUERY} and on sessions).
     */
    static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /**
     * @param configuration the settings
     * @param sslContext    the TLS context when {@code ssl}, else {@code null}
     * @param customizer    applied last to the client (tests observe the wire with it)
     * @return a transport with its own connection provider (no connection opened yet)
     */
    static ClickHouseTransport open(ClickHouseConnectionConfiguration configuration, SslContext sslContext,
                                    UnaryOperator<HttpClient> customizer) {
        ConnectionProvider provider = ConnectionProvider.builder("clickhouse")
                .maxConnections(1)
                .pendingAcquireMaxCount(-1)
                // no acquire timeout: a statement waits for the one before it however long that runs
                .pendingAcquireTimeout(Duration.ZERO)
                // replaces reactor-netty's own predicate (maxIdleTime), so the idle limit is part of it
                .evictionPredicate((connection, metadata) -> connection.channel().hasAttr(CUT)
                        || metadata.idleTime() >= MAX_IDLE.toMillis())
                .build();
        return new ClickHouseTransport(configuration, provider, configure(HttpClient.create(provider), configuration, sslContext, customizer));
    }

    /** Host, port, TLS, timeouts, compression and credential headers; shared with the control client. */
    static HttpClient configure(HttpClient client, ClickHouseConnectionConfiguration configuration, SslContext sslContext,
                                UnaryOperator<HttpClient> customizer) {
        HttpClient configured = client
                .host(configuration.host())
                .port(configuration.port())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, configuration.connectTimeout().toMillis()))
                .keepAlive(true)
                // reactor-netty would send a request again when its connection closes before the response: never for
                // a statement (an INSERT could run twice, a cancelled or closed one would start again); such a failure
                // is an R2dbcTransientResourceException the caller may retry
                .disableRetry(true)
                .compress(configuration.compression())
                .headers(headers -> credentials(headers, configuration).set(HttpHeaderNames.USER_AGENT, configuration.applicationName()));
        if (configuration.ssl()) {
            boolean verifyHost = configuration.hostnameVerification();
            // secure(SslProvider), not secure(spec -> ...): the latter appends reactor-netty's own HTTPS host-name
            // check after this configurator, so hostnameVerification(false) would have no effect
            configured = configured.secure(reactor.netty.tcp.SslProvider.builder().sslContext(sslContext).handlerConfigurator(handler -> {
                SSLEngine engine = handler.engine();
                SSLParameters parameters = engine.getSSLParameters();
                // the JDK's engine ignores a null algorithm (keeping the context's HTTPS, e.g. of a given sslContext); an empty one turns the check off
                parameters.setEndpointIdentificationAlgorithm(verifyHost ? "HTTPS" : "");
                engine.setSSLParameters(parameters);
            }).build());
        }
        return customizer.apply(configured);
    }

    private static HttpHeaders credentials(HttpHeaders headers, ClickHouseConnectionConfiguration configuration) {
        if (configuration.authentication() == ClickHouseConnectionConfiguration.Authentication.CLICKHOUSE_HEADERS) {
            headers.set("X-ClickHouse-User", configuration.username());
            if (configuration.hasPassword()) {
                headers.set("X-ClickHouse-Key", configuration.password());
            }
            return headers;
        }
        String pair = configuration.username() + ":" + configuration.password();
        return headers.set(HttpHeaderNames.AUTHORIZATION, "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Builds the client TLS context: the given one, or one trusting the PEM file (read on
     * {@link Schedulers#boundedElastic()}: it is file I/O), or the JDK's trust store.
     *
     * @return the context; errors: {@link io.r2dbc.spi.R2dbcNonTransientResourceException} when the PEM file cannot be read
     */
    static Mono<SslContext> sslContext(ClickHouseConnectionConfiguration configuration) {
        if (!configuration.ssl()) {
            return Mono.empty();
        }
        if (configuration.sslContext() != null) {
            return Mono.just(configuration.sslContext());
        }
        return Mono.fromCallable(() -> {
            // Netty 4.2 client contexts check the host name by default; follow hostnameVerification instead
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .endpointIdentificationAlgorithm(configuration.hostnameVerification() ? "HTTPS" : null);
            if (configuration.trustedCertificates() != null) {
                builder.trustManager(configuration.trustedCertificates().toFile());
            }
            return builder.build();
        }).subscribeOn(Schedulers.boundedElastic()).onErrorMap(e -> !(e instanceof io.r2dbc.spi.R2dbcException),
                e -> new io.r2dbc.spi.R2dbcNonTransientResourceException("Cannot build the TLS context from trustedCertificates "
                        + configuration.trustedCertificates() + ": " + e.getMessage(), e));
    }

    /** @return this connection's {@code session_id}, or {@code null} without sessions */
    String sessionId() {
        return sessionId;
    }

    /** @return whether {@link #dispose()} ran */
    boolean isDisposed() {
        return disposed.get();
    }

    /**
     * @param parameters per-statement URL parameters (query_id, settings, param_...), after the connection's
     * @return the request URI: {@code /?database=..&session_id=..&enable_http_compression=1&<settings>&<parameters>}
     */
    String uri(Map<String, String> parameters) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("database", configuration.database());
        if (sessionId != null) {
            all.put("session_id", sessionId);
        }
        if (configuration.compression()) {
            all.put("enable_http_compression", "1");
        }
        all.putAll(configuration.settings());
        all.putAll(parameters);
        StringBuilder uri = new StringBuilder("/?");
        all.forEach((name, value) -> {
            if (uri.length() > 2) {
                uri.append('&');
            }
            uri.append(encode(name)).append('=').append(encode(value));
        });
        return uri.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends one statement: a POST with {@code body} as the request body. Waits (FIFO) while
     * another statement of this connection holds its TCP connection.
     *
     * @param parameters per-statement URL parameters
     * @param body       the request body (the SQL)
     * @param sql        the statement, for error messages
     * @return the exchange once the response headers arrived with status 200; errors: the
     *         server's error mapped by {@link ClickHouseExceptions#fromResponse}, socket failures by
     *         {@link ClickHouseExceptions#translate}
     */
    Mono<Exchange> post(Map<String, String> parameters, String body, String sql) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return send(parameters, (request, outbound) -> outbound.sendByteArray(Mono.just(bytes)), sql);
    }

    /**
     * Sends a body streamed from {@code chunks} (chunked transfer encoding); the request's SQL is the
     * {@code query} URL parameter. Chunks are requested as the socket takes them. {@code chunks}
     * must fail (not complete) when the caller cancels, so that the body never ends as a complete
     * chunked body the server could take for a whole insert.
     *
     * @return the exchange once the response headers arrived with status 200; errors as {@link #post}
     */
    Mono<Exchange> postStream(Map<String, String> parameters, Flux<ByteBuf> chunks, String sql) {
        return send(parameters, (request, outbound) -> outbound.send(chunks), sql);
    }

    /**
     * One request; cancelled before its response, the TCP connection is closed at once, so the
     * server sees the request cut off.
     */
    private Mono<Exchange> send(Map<String, String> parameters,
                                BiFunction<? super HttpClientRequest, ? super NettyOutbound, ? extends Publisher<Void>> body, String sql) {
        return Mono.defer(() -> {
            AtomicReference<Connection> sending = new AtomicReference<>();
            AtomicBoolean answered = new AtomicBoolean();
            return client.doOnRequest((request, connection) -> sending.set(connection))
                    .post()
                    .uri(uri(parameters))
                    .send(body)
                    .responseConnection((response, connection) -> accept(response, connection, sql))
                    .single()
                    .doOnNext(exchange -> answered.set(true))
                    .doOnCancel(() -> {
                        Connection connection = sending.get();
                        // a cancel after the response (Mono.from(execute()) cancels once it has the result) keeps it
                        if (connection != null && !answered.get()) {
                            cut(connection.channel());
                        }
                    });
        });
    }

    /** Closes a TCP connection that must never carry another request, and says so to the provider at once. */
    private static void cut(Channel channel) {
        channel.attr(CUT).set(Boolean.TRUE);
        channel.close();
    }

    private static Mono<Exchange> accept(HttpClientResponse response, Connection connection, String sql) {
        if (response.status().equals(HttpResponseStatus.OK)) {
            return Mono.just(new Exchange(response, connection));
        }
        int status = response.status().code();
        return connection.inbound().receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(text -> Mono.error(ClickHouseExceptions.fromResponse(status, text, sql)));
    }

    /**
     * {@code GET /ping} on this connection's TCP connection.
     *
     * @return {@code true} when the server answered {@code Ok.} within {@code timeout}, else {@code false}; never an error
     */
    Mono<Boolean> ping(Duration timeout) {
        return client.get().uri("/ping")
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> response.status().equals(HttpResponseStatus.OK) && text.startsWith("Ok.")))
                .timeout(timeout)
                .onErrorResume(error -> {
                    LOG.debug("ClickHouse ping to {}:{} failed: {}", configuration.host(), configuration.port(), error.toString());
                    return Mono.just(false);
                });
    }

    /**
     * Closes the TCP connection (a running response is cut) and the provider; runs at most once.
     *
     * @return completes when the provider is disposed
     */
    Mono<Void> dispose() {
        return Mono.defer(() -> disposed.compareAndSet(false, true) ? provider.disposeLater() : Mono.empty());
    }

    /** A response whose headers arrived with status 200; its body is read once, or the exchange disposed. */
    static final class Exchange {

        private final HttpClientResponse response;
        private final Connection connection;

        Exchange(HttpClientResponse response, Connection connection) {
            this.response = response;
            this.connection = connection;
        }

        /** @return the response body; each buffer is released by reactor-netty after {@code onNext} returns */
        Flux<ByteBuf> body() {
            return connection.inbound().receive();
        }

        /** @return a response header, or {@code null} */
        String header(String name) {
            return response.responseHeaders().get(name);
        }

        /** @return the response headers */
        HttpHeaders headers() {
            return response.responseHeaders();
        }

        /** Closes the TCP connection under the response (an unread or partly read body cannot be reused). */
        void dispose() {
            // reactor-netty's dispose (not a bare channel close): it also discards the inbound buffers it holds
            connection.channel().attr(CUT).set(Boolean.TRUE);
            connection.dispose();
        }
    }

    /**
     * The factory's control client: {@code KILL QUERY} (and nothing else) on a fresh TCP
     * connection each time, so that it never waits behind the statement it stops, and never
     * carries a {@code session_id} (the session is busy with that statement).
     */
    static final class Control {

        private final ClickHouseConnectionConfiguration configuration;
        private final Mono<HttpClient> client;

        Control(ClickHouseConnectionConfiguration configuration, Mono<SslContext> sslContext, UnaryOperator<HttpClient> customizer) {
            this.configuration = configuration;
            this.client = sslContext.map(ssl -> configure(HttpClient.create(ConnectionProvider.newConnection()), configuration, ssl, customizer))
                    .switchIfEmpty(Mono.fromSupplier(() -> configure(HttpClient.create(ConnectionProvider.newConnection()), configuration, null, customizer)))
                    .cache();
        }

        /**
         * Sends {@code KILL QUERY WHERE query_id = '<id>'}, fire-and-forget: a failure is logged, never signalled.
         *
         * @param queryId the statement's {@code query_id} (a UUID the driver made)
         */
        void kill(String queryId) {
            String sql = "KILL QUERY WHERE query_id = '" + queryId + "'";
            client.flatMap(http -> http.post()
                            .uri("/?database=" + encode(configuration.database()))
                            .send((request, outbound) -> outbound.sendString(Mono.just(sql)))
                            .responseSingle((response, body) -> body.asString().defaultIfEmpty("").map(text -> {
                                if (!response.status().equals(HttpResponseStatus.OK)) {
                                    throw ClickHouseExceptions.fromResponse(response.status().code(), text, sql);
                                }
                                return text;
                            })))
                    .subscribe(text -> LOG.debug("Sent {}", sql),
                            error -> LOG.warn("Could not stop query {} on ClickHouse {}:{} ({}): {}", queryId,
                                    configuration.host(), configuration.port(), sql, error.toString()));
        }
    }
}

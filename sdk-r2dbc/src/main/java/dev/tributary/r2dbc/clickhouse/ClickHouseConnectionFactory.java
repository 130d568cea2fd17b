package dev.tributary.r2dbc.clickhouse;

import io.netty.handler.ssl.SslContext;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Opens {@link ClickHouseConnection}s to the ClickHouse HTTP interface.
 *
 * <pre>{@code
 * ClickHouseConnectionFactory factory = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
 *         .host("127.0.0.1").build());
 * Flux<Long> numbers = Flux.usingWhen(factory.create(),
 *         c -> Flux.from(c.createStatement("SELECT number FROM system.numbers LIMIT 10").execute())
 *                 .flatMap(r -> r.map(row -> row.get(0, Long.class))),
 *         ClickHouseConnection::close);
 * }</pre>
 */
public final class ClickHouseConnectionFactory implements ConnectionFactory {

    private final ClickHouseConnectionConfiguration configuration;
    private final UnaryOperator<HttpClient> customizer;
    private final Mono<SslContext> sslContext;
    private final ClickHouseTransport.Control control;

    /**
     * @param configuration the server and settings; not null
     */
    public ClickHouseConnectionFactory(ClickHouseConnectionConfiguration configuration) {
        this(configuration, UnaryOperator.identity());
    }

    /**
     * @param customizer applied last to every {@link HttpClient} the factory configures (tests observe the wire with it)
     */
    ClickHouseConnectionFactory(ClickHouseConnectionConfiguration configuration, UnaryOperator<HttpClient> customizer) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        // built once, off the event loops (reading a PEM file blocks)
        this.sslContext = ClickHouseTransport.sslContext(configuration).cache();
        this.control = new ClickHouseTransport.Control(configuration, sslContext, customizer);
    }

    /**
     * Opens a connection: its own HTTP keep-alive connection, checked with a handshake
     * ({@code SELECT version(), timezone()}).
     *
     * @return the connection; errors: {@link io.r2dbc.spi.R2dbcPermissionDeniedException} for bad
     *         credentials, {@link io.r2dbc.spi.R2dbcNonTransientResourceException} or
     *         {@link io.r2dbc.spi.R2dbcTransientResourceException} (cause: the socket error) when the
     *         server cannot be reached
     */
    @Override
    public Mono<ClickHouseConnection> create() {
        return sslContext.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(ssl -> {
                    ClickHouseTransport transport = ClickHouseTransport.open(configuration, ssl.orElse(null), customizer);
                    ClickHouseConnection connection = new ClickHouseConnection(configuration, transport, control);
                    return connection.handshake()
                            .onErrorMap(e -> ClickHouseExceptions.translate(e, "connecting to " + configuration.host() + ":" + configuration.port(), null))
                            .onErrorResume(e -> transport.dispose().then(Mono.error(e)))
                            .doOnCancel(() -> transport.dispose().subscribe());
                });
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return () -> "ClickHouse";
    }

    /** @return the configuration */
    public ClickHouseConnectionConfiguration configuration() {
        return configuration;
    }

    @Override
    public String toString() {
        return "ClickHouseConnectionFactory{" + configuration + "}";
    }
}

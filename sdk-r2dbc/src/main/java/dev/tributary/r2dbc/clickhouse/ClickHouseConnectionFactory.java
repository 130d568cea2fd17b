package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import reactor.core.publisher.Mono;

import java.util.Objects;

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

    /**
     * @param configuration the server and settings; not null
     */
    public ClickHouseConnectionFactory(ClickHouseConnectionConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
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
        return Mono.error(new UnsupportedOperationException("not yet"));
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

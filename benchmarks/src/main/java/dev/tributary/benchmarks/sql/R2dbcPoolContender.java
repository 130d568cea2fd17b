package dev.tributary.benchmarks.sql;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * The same driver without Tributary: r2dbc-postgresql over r2dbc-pool (r2dbc-pool's defaults,
 * the run's pool size), used the way its documentation shows: a connection per operation from the
 * pool, closed (returned) with {@code usingWhen}. The baseline of every ratio. With a fetch size it
 * is the diagnostic row that isolates what a fetch size costs: Tributary's streams read with its
 * default {@code fetchSize(1000)}; its {@code one()}, the point select here, with none.
 */
final class R2dbcPoolContender extends ReactiveContender {

    private final ConnectionPool pool;
    private final int fetchSize;

    R2dbcPoolContender(String name, String r2dbcUrl, int poolSize) {
        this(name, r2dbcUrl, poolSize, 0);
    }

    /**
     * @param fetchSize rows per fetch set on every query ({@code Statement.fetchSize}), as Tributary's
     *                  streams have it; 0 for the driver's default (no portal: one round trip for a point select)
     */
    R2dbcPoolContender(String name, String r2dbcUrl, int poolSize, int fetchSize) {
        super(name);
        this.pool = pool(r2dbcUrl, poolSize);
        this.fetchSize = fetchSize;
    }

    private Statement query(Connection c, String sql) {
        Statement statement = c.createStatement(sql);
        return this.fetchSize > 0 ? statement.fetchSize(this.fetchSize) : statement;
    }

    static ConnectionPool pool(String r2dbcUrl, int poolSize) {
        ConnectionFactory driver = ConnectionFactories.get(r2dbcUrl);
        return new ConnectionPool(ConnectionPoolConfiguration.builder(driver).initialSize(0).maxSize(poolSize).build());
    }

    ConnectionPool pool() {
        return this.pool;
    }

    @Override
    Mono<Item> pointSelect(long id) {
        return Mono.usingWhen(this.pool.create(),
                c -> Flux.from(query(c, Workload.SELECT_ITEM).bind(0, id).execute())
                        .flatMap(result -> result.map((row, meta) -> Item.of(row)))
                        .singleOrEmpty(),
                Connection::close);
    }

    @Override
    Mono<Long> transfer(long id) {
        return Mono.usingWhen(this.pool.create(),
                c -> Mono.from(c.beginTransaction())
                        .then(Flux.from(query(c, Workload.READ_BALANCE).bind(0, id).execute())
                                .flatMap(result -> result.map((row, meta) -> row.get(0, Long.class)))
                                .single())
                        .flatMap(balance -> Flux.from(c.createStatement(Workload.WRITE_BALANCE).bind(0, id).bind(1, balance + 1).execute())
                                .flatMap(result -> result.getRowsUpdated())
                                .thenMany(Flux.from(c.createStatement(Workload.INSERT_TRANSFER).bind(0, id).bind(1, 1L).execute())
                                        .flatMap(result -> result.getRowsUpdated()))
                                .then(Mono.from(c.commitTransaction()))
                                .thenReturn(balance + 1))
                        .onErrorResume(e -> Mono.from(c.rollbackTransaction()).onErrorResume(r -> Mono.empty()).then(Mono.error(e))),
                Connection::close);
    }

    @Override
    Flux<Item> items(long rows) {
        return Flux.usingWhen(this.pool.create(),
                c -> Flux.from(query(c, Workload.STREAM_ITEMS).bind(0, rows).execute())
                        .flatMap(result -> result.map((row, meta) -> Item.of(row))),
                Connection::close);
    }

    @Override
    public void close() {
        this.pool.disposeLater().block(Duration.ofSeconds(30));
    }
}

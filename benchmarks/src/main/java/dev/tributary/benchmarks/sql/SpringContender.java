package dev.tributary.benchmarks.sql;

import io.r2dbc.pool.ConnectionPool;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Spring Framework's {@link DatabaseClient} (spring-r2dbc) over an r2dbc-pool of the run's size;
 * transactions through {@link TransactionalOperator} and {@link R2dbcTransactionManager}.
 */
final class SpringContender extends ReactiveContender {

    private final ConnectionPool pool;
    private final DatabaseClient client;
    private final TransactionalOperator transactional;

    SpringContender(String name, String r2dbcUrl, int poolSize) {
        super(name);
        this.pool = R2dbcPoolContender.pool(r2dbcUrl, poolSize);
        this.client = DatabaseClient.create(this.pool);
        this.transactional = TransactionalOperator.create(new R2dbcTransactionManager(this.pool));
    }

    @Override
    Mono<Item> pointSelect(long id) {
        return this.client.sql(Workload.SELECT_ITEM).bind(0, id).map((row, meta) -> Item.of(row)).one();
    }

    @Override
    Mono<Long> transfer(long id) {
        return this.client.sql(Workload.READ_BALANCE).bind(0, id).map((row, meta) -> row.get(0, Long.class)).one()
                .flatMap(balance -> this.client.sql(Workload.WRITE_BALANCE).bind(0, id).bind(1, balance + 1).fetch().rowsUpdated()
                        .then(this.client.sql(Workload.INSERT_TRANSFER).bind(0, id).bind(1, 1L).fetch().rowsUpdated())
                        .thenReturn(balance + 1))
                .as(this.transactional::transactional);
    }

    @Override
    Flux<Item> items(long rows) {
        return this.client.sql(Workload.STREAM_ITEMS).bind(0, rows).map((row, meta) -> Item.of(row)).all();
    }

    @Override
    public void close() {
        this.pool.disposeLater().block(Duration.ofSeconds(30));
    }
}

package dev.tributary.benchmarks.sql;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Tributary's facade ({@code Tributary.sql(url)}) over its pool, with given pool settings (the
 * pool's size set to the run's pool size).
 */
final class TributaryContender extends ReactiveContender {

    private final SqlClient db;

    TributaryContender(String name, String r2dbcUrl, PoolSettings pool, int poolSize) {
        super(name);
        this.db = Tributary.sql(r2dbcUrl).pool(pool.toBuilder().maxSize(poolSize).build()).build();
    }

    SqlClient client() {
        return this.db;
    }

    @Override
    Mono<Item> pointSelect(long id) {
        return this.db.sql(Workload.SELECT_ITEM).bind(0, id).map((row, meta) -> Item.of(row)).one();
    }

    @Override
    Mono<Long> transfer(long id) {
        return this.db.inTransaction(tx -> tx.sql(Workload.READ_BALANCE).bind(0, id).map((row, meta) -> row.get(0, Long.class)).one()
                .flatMap(balance -> tx.sql(Workload.WRITE_BALANCE).bind(0, id).bind(1, balance + 1).rowsUpdated()
                        .then(tx.sql(Workload.INSERT_TRANSFER).bind(0, id).bind(1, 1L).rowsUpdated())
                        .thenReturn(balance + 1)));
    }

    @Override
    Flux<Item> items(long rows) {
        return this.db.sql(Workload.STREAM_ITEMS).bind(0, rows).map((row, meta) -> Item.of(row)).all();
    }

    @Override
    public void close() {
        this.db.close().block(Duration.ofSeconds(30));
    }
}

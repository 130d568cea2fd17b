package dev.tributary.benchmarks.sql;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Vert.x reactive PostgreSQL client (vertx-pg-client 5) with a pool of the run's size and
 * prepared-statement caching on (as its published benchmarks run it). Its {@code Future}s are
 * bridged to Reactor with {@code Mono.fromCompletionStage}; rows stream through a cursor
 * ({@link RowStream}, 1,000 rows per fetch) whose {@code fetch(n)} follows Reactor's demand.
 */
final class VertxContender extends ReactiveContender {

    private final Vertx vertx;
    private final Pool pool;

    VertxContender(String name, String host, int port, String database, String user, int poolSize) {
        super(name);
        this.vertx = Vertx.vertx();
        PgConnectOptions connect = new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user)
                .setCachePreparedStatements(true);
        this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect).using(this.vertx).build();
    }

    private static <T> Mono<T> mono(Supplier<Future<T>> future) {
        return Mono.fromCompletionStage(() -> future.get().toCompletionStage());
    }

    private static Item item(Row row) {
        return new Item(row.getLong(0), row.getString(1), row.getInteger(2), row.getDouble(3), row.getOffsetDateTime(4),
                row.getBoolean(5));
    }

    @Override
    Mono<Item> pointSelect(long id) {
        return mono(() -> this.pool.preparedQuery(Workload.SELECT_ITEM).execute(Tuple.of(id)).map(rows -> {
            RowIterator<Row> it = rows.iterator();
            return it.hasNext() ? item(it.next()) : null;
        }));
    }

    @Override
    Mono<Long> transfer(long id) {
        return mono(() -> this.pool.withTransaction(conn -> conn.preparedQuery(Workload.READ_BALANCE).execute(Tuple.of(id))
                .compose(rows -> {
                    long balance = rows.iterator().next().getLong(0) + 1;
                    return conn.preparedQuery(Workload.WRITE_BALANCE).execute(Tuple.of(id, balance))
                            .compose(updated -> conn.preparedQuery(Workload.INSERT_TRANSFER).execute(Tuple.of(id, 1L)))
                            .map(inserted -> balance);
                })));
    }

    @Override
    Flux<Item> items(long rows) {
        return Flux.usingWhen(mono(this.pool::getConnection),
                conn -> mono(conn::begin).flatMapMany(tx -> cursor(conn, tx, rows)),
                conn -> mono(conn::close));
    }

    private static Flux<Item> cursor(SqlConnection conn, Transaction tx, long rows) {
        return mono(() -> conn.prepare(Workload.STREAM_ITEMS)).flatMapMany(prepared -> Flux.<Item>create(sink -> {
            RowStream<Row> stream = prepared.createStream(1000, Tuple.of(rows));
            stream.pause();
            stream.exceptionHandler(sink::error);
            stream.endHandler(v -> sink.complete());
            stream.handler(row -> sink.next(item(row)));
            sink.onRequest(stream::fetch);
            sink.onDispose(stream::close);
        })).concatWith(mono(tx::commit).then(Mono.empty()));
    }

    @Override
    public void close() {
        this.pool.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        this.vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }
}

package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling at any moment (during the acquire, the validation, a query, a COMMIT) leaks nothing
 * and never lends one connection to two subscribers (r2dbc-pool#211 is about exactly that).
 */
class CancelRaceIT {

    private static final int MAX_SIZE = 4;

    private static EmbeddedPostgresServer pg;
    private static SqlClient db;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        pg.execute("CREATE TABLE raced (id int)");
        db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.serverless().toBuilder().maxSize(MAX_SIZE).build()).build();
    }

    @AfterAll
    static void stop() {
        db.close().block(Duration.ofSeconds(10));
        pg.close();
    }

    @Test
    void cancellingAtRandomMomentsLeaksNoConnectionAndNeverSharesOne() throws Exception {
        // A transaction notes the backend it runs on while it holds the connection; two holders of one backend = shared.
        Map<Integer, AtomicInteger> holders = new ConcurrentHashMap<>();
        Set<Integer> shared = ConcurrentHashMap.newKeySet();
        List<Supplier<Mono<?>>> operations = List.of(
                () -> db.sql("SELECT pg_backend_pid(), pg_sleep(0.005)").map(row -> row.get(0, Integer.class)).one(),
                () -> db.inTransaction(tx -> tx.sql("SELECT pg_backend_pid()").mapTo(Integer.class).one()
                        .flatMap(pid -> hold(holders, shared, pid, Duration.ofMillis(3)))
                        .then(tx.sql("INSERT INTO raced VALUES (1)").rowsUpdated())),
                () -> db.inConnection(session -> session.sql("SELECT pg_backend_pid()").mapTo(Integer.class).one()),
                () -> db.sql("SELECT g FROM generate_series(1, 50000) g").mapTo(Integer.class).all().then(Mono.just(0)));

        List<Disposable> running = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            Mono<?> operation = operations.get(round % operations.size()).get();
            Disposable subscription = operation.subscribe(value -> { }, error -> { });
            running.add(subscription);
            if (ThreadLocalRandom.current().nextInt(4) != 0) {
                Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(0, 8_000_000))).subscribe(x -> subscription.dispose());
            }
            if (round % 16 == 15) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 25));
            }
        }
        // Let everything that was not cancelled finish, then look.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((db.metrics().acquired() > 0 || running.stream().anyMatch(d -> !d.isDisposed())) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            running.removeIf(Disposable::isDisposed);
        }
        Thread.sleep(200);

        assertThat(shared).as("backends held by two subscribers at once").isEmpty();
        assertThat(db.metrics().acquired()).as("connections still acquired").isZero();
        assertThat(db.metrics().allocated()).isLessThanOrEqualTo(MAX_SIZE);
        assertThat(clientBackends()).as("backends open on the server").isLessThanOrEqualTo(MAX_SIZE);
        assertThat(openTransactions()).as("transactions left open").isZero();
        // The pool still works at full width.
        assertThat(Flux.range(0, MAX_SIZE * 2).flatMap(i -> db.sql("SELECT pg_sleep(0.05), 1").rowsUpdated()).count()
                .block(Duration.ofSeconds(20))).isEqualTo(MAX_SIZE * 2);
    }

    private static Mono<Integer> hold(Map<Integer, AtomicInteger> holders, Set<Integer> shared, int pid, Duration time) {
        return Mono.usingWhen(Mono.fromSupplier(() -> {
                    if (holders.computeIfAbsent(pid, p -> new AtomicInteger()).incrementAndGet() > 1) {
                        shared.add(pid);
                    }
                    return pid;
                }),
                p -> Mono.delay(time).thenReturn(p),
                p -> Mono.fromRunnable(() -> holders.get(p).decrementAndGet()),
                (p, e) -> Mono.fromRunnable(() -> holders.get(p).decrementAndGet()),
                p -> Mono.fromRunnable(() -> holders.get(p).decrementAndGet()));
    }

    private static long clientBackends() throws Exception {
        return single("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                + " AND application_name <> 'PostgreSQL JDBC Driver'");
    }

    private static long openTransactions() throws Exception {
        return single("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'");
    }

    private static long single(String sql) {
        return pg.queryForLong(sql);
    }
}

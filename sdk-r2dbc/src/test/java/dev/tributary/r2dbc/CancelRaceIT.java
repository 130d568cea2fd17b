package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import dev.tributary.testkit.proxy.FaultProxy;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Cancelling at any moment (during the acquire, the validation, a query, a COMMIT) leaks nothing
 * and never lends one connection to two subscribers (r2dbc-pool#211 is about exactly that); two
 * moments that random timing rarely hits are forced: a connection handed out as the acquire is
 * cancelled, and a BEGIN still on its way.
 * <p>
 * Nothing here waits for a fixed time that a busy machine could outlast: the checks wait for the
 * operations to end for as long as they keep ending, then for the releases within a bound; a leak
 * or a stuck connection still fails them.
 */
class CancelRaceIT {

    private static final int MAX_SIZE = 4;
    private static final int ROUNDS = 300;
    /** No operation ended for this long: the rest are stuck. */
    private static final Duration STALL = Duration.ofSeconds(30);
    /** The longest the releases may take once every operation ended. */
    private static final Duration RELEASE = Duration.ofSeconds(30);

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
                () -> db.sql("SELECT g FROM generate_series(1, 20000) g").mapTo(Integer.class).all().then(Mono.just(0)));

        // Ended: completed, failed or cancelled. A cancelled operation's ROLLBACK and release still run after that.
        AtomicInteger ended = new AtomicInteger();
        // A few more operations in flight than connections: some wait for the pool, most run, so that the
        // cancels land in every phase (waiting, acquiring, running, committing), not mostly in the wait.
        Semaphore inFlight = new Semaphore(MAX_SIZE + 2);
        for (int round = 0; round < ROUNDS; round++) {
            if (!inFlight.tryAcquire(STALL.toSeconds(), TimeUnit.SECONDS)) {
                fail("No operation ended for " + STALL.toSeconds() + " s at round " + round + "; " + db.metrics());
            }
            Disposable subscription = operations.get(round % operations.size()).get()
                    .doFinally(signal -> {
                        ended.incrementAndGet();
                        inFlight.release();
                    })
                    .subscribe(value -> { }, error -> { });
            if (ThreadLocalRandom.current().nextInt(4) != 0) {
                Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(0, 8_000_000))).subscribe(x -> subscription.dispose());
            }
        }
        awaitAllEnded(ended);
        awaitNoneAcquired(() -> db.metrics().acquired());

        assertThat(shared).as("backends held by two subscribers at once").isEmpty();
        assertThat(db.metrics().allocated()).isLessThanOrEqualTo(MAX_SIZE);
        assertThat(clientBackends()).as("backends open on the server").isLessThanOrEqualTo(MAX_SIZE);
        assertThat(openTransactions()).as("transactions left open").isZero();
        // The pool still works at full width.
        assertThat(Flux.range(0, MAX_SIZE * 2).flatMap(i -> db.sql("SELECT pg_sleep(0.05), 1").rowsUpdated()).count()
                .block(Duration.ofSeconds(20))).isEqualTo(MAX_SIZE * 2);
    }

    /**
     * The pool has handed a connection out, and the thread carrying it to the SDK stalls (as a busy
     * machine deschedules it) until the subscriber has cancelled: the connection arrives at an
     * acquire that is cancelled already, and must go back to the pool, not get lost on the way.
     */
    @Test
    void aConnectionHandedOutJustAsTheAcquireIsCancelledGoesBackToThePool() throws Exception {
        CountDownLatch handingOut = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        ExecutorService handOff = Executors.newSingleThreadExecutor();
        ConnectionPool stallingPool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(pg.r2dbcUrl("postgres")))
                .maxSize(1).build()) {
            @Override
            public Mono<Connection> create() {
                return super.create().publishOn(Schedulers.fromExecutorService(handOff)).doOnNext(connection -> {
                    handingOut.countDown();
                    awaitUninterruptibly(cancelled);
                });
            }
        };
        SqlClient client = Tributary.sql(stallingPool).build();
        try {
            Disposable subscription = client.sql("SELECT 1").mapTo(Integer.class).one().subscribe(value -> { }, error -> { });
            assertThat(handingOut.await(10, TimeUnit.SECONDS)).as("the pool handed a connection out").isTrue();
            subscription.dispose();
            cancelled.countDown();

            awaitNoneAcquired(() -> stallingPool.getMetrics().orElseThrow().acquiredSize());
            // The pool's only connection is lent again.
            assertThat(client.sql("SELECT 1").mapTo(Integer.class).one().block(Duration.ofSeconds(10))).isEqualTo(1);
        } finally {
            cancelled.countDown();
            stallingPool.disposeLater().block(Duration.ofSeconds(10));
            handOff.shutdown();
        }
    }

    /**
     * A transaction cancelled after its BEGIN went out but before the answer came back: the driver
     * still believes the connection idle then, and skips a ROLLBACK asked for at that moment. The
     * connection must not go back to the pool inside the transaction the BEGIN opens when it lands,
     * or the next borrower's autocommit writes would run in it and never be committed.
     */
    @Test
    void aTransactionCancelledBeforeItsBeginIsAnsweredLeavesNoTransactionOpenForTheNextBorrower() throws Exception {
        cancelWhileBeginIsOnItsWay(client -> client.inTransaction(tx -> tx.sql("INSERT INTO raced VALUES (2)").rowsUpdated()), 3);
    }

    /** The same for a bulk load, which runs in a transaction of its own. */
    @Test
    void aLoadCancelledBeforeItsBeginIsAnsweredLeavesNoTransactionOpenForTheNextBorrower() throws Exception {
        LoadSource rows = LoadSource.of("two rows", Flux.just(ByteBuffer.wrap("id\n2\n2\n".getBytes(StandardCharsets.UTF_8))));
        cancelWhileBeginIsOnItsWay(client -> client.load(LoadRequest.into("raced").source(rows).format(DataFormat.CSV).build()), 4);
    }

    /**
     * A transaction cancelled while its BEGIN gets no answer at all (a network partition): the
     * rollback cannot wait for the answer for ever; past the response timeout the connection, whose
     * state is unknown, is destroyed instead of lent again, and the pool goes on with a new one.
     */
    @Test
    void aTransactionCancelledWhileItsBeginGetsNoAnswerGivesItsConnectionUpWithinTheResponseTimeout() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start()) {
            SqlClient client = Tributary.sql("r2dbc:postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@" + proxy.host() + ":" + proxy.port()
                    + "/postgres").pool(PoolSettings.serverless().toBuilder().maxSize(1).build()).responseTimeout(Duration.ofMillis(500)).build();
            try {
                assertThat(client.sql("SELECT 1").mapTo(Integer.class).one().block(Duration.ofSeconds(10))).isEqualTo(1);
                proxy.blackHole();
                Disposable transaction = client.inTransaction(tx -> tx.sql("INSERT INTO raced VALUES (2)").rowsUpdated())
                        .subscribe(value -> { }, error -> { });
                Thread.sleep(100);
                transaction.dispose();
                long cancelled = System.nanoTime();
                awaitNoneAcquired(() -> client.metrics().acquired());

                assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(10));
                assertThat(client.metrics().connectionsDestroyedBroken()).isEqualTo(1);
                proxy.passThrough();
                assertThat(client.sql("SELECT 1").mapTo(Integer.class).one().block(Duration.ofSeconds(10))).isEqualTo(1);
                assertThat(client.metrics().connectionsOpened()).isEqualTo(2);
            } finally {
                proxy.passThrough();
                client.close().block(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * Runs {@code operation} (which writes the value 2 into {@code raced}, if anything) on a warm
     * pooled connection behind a throttled proxy (~0.6 s for BEGIN to reach the server and its answer
     * to come back), cancels it as soon as its first bytes go out, has the next borrower write
     * {@code marker} as soon as the connection is back in the pool (before BEGIN's answer is), and
     * checks that this autocommit write is committed.
     */
    private static void cancelWhileBeginIsOnItsWay(Function<SqlClient, Mono<?>> operation, int marker) throws Exception {
        try (FaultProxy proxy = FaultProxy.to(pg.host(), pg.port()).start()) {
            SqlClient client = Tributary.sql("r2dbc:postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@" + proxy.host() + ":" + proxy.port()
                    + "/postgres").pool(PoolSettings.serverless().toBuilder().maxSize(1).build()).build();
            try {
                assertThat(client.sql("SELECT 1").mapTo(Integer.class).one().block(Duration.ofSeconds(10))).isEqualTo(1);
                proxy.throttle(40);
                long sent = proxy.bytesToUpstream();
                Disposable subscription = operation.apply(client).subscribe(value -> { }, error -> { });
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (proxy.bytesToUpstream() == sent && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(proxy.bytesToUpstream()).as("BEGIN is on its way").isGreaterThan(sent);
                subscription.dispose();
                awaitNoneAcquired(() -> client.metrics().acquired());
                // the next borrower's write goes out while BEGIN's answer is still on its way back
                CompletableFuture<Long> nextWrite = client.sql("INSERT INTO raced VALUES (" + marker + ")").rowsUpdated().toFuture();
                proxy.unthrottled();

                assertThat(nextWrite.get(10, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(pg.queryForLong("SELECT count(*) FROM raced WHERE id = " + marker)).as("the next autocommit write is committed")
                        .isEqualTo(1);
                assertThat(pg.queryForLong("SELECT count(*) FROM raced WHERE id = 2")).as("the cancelled operation's writes").isZero();
                assertThat(openTransactions()).as("transactions left open").isZero();
            } finally {
                client.close().block(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * Waits until every operation has ended, for as long as they keep ending: a busy machine only
     * makes this slower, while operations that stop ending altogether (a connection stuck or lost
     * for good) fail the test after {@link #STALL}.
     */
    private static void awaitAllEnded(AtomicInteger ended) throws InterruptedException {
        int seen = -1;
        long lastProgress = System.nanoTime();
        while (ended.get() < ROUNDS) {
            int now = ended.get();
            if (now != seen) {
                seen = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                fail((ROUNDS - now) + " of " + ROUNDS + " operations have not ended, none for " + STALL.toSeconds() + " s; " + db.metrics());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Releases run after the operations ended (a cancel triggers a ROLLBACK round trip, then the
     * release): waits for them within {@link #RELEASE}; a connection never released fails the test.
     */
    private static void awaitNoneAcquired(IntSupplier acquired) throws InterruptedException {
        long deadline = System.nanoTime() + RELEASE.toNanos();
        while (acquired.getAsInt() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(acquired.getAsInt()).as("connections still acquired %d s after every operation ended", RELEASE.toSeconds()).isZero();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

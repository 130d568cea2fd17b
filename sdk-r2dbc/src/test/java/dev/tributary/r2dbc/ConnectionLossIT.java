package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.OutcomeUnknownException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections lost under statements (the server terminates their backends, or closes idle
 * sessions): reads are run again, writes are never doubled and say their outcome is unknown.
 */
class ConnectionLossIT {

    private static EmbeddedPostgresServer pg;
    private static SqlClient db;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().serverConfig("idle_session_timeout", "1s")
                .serverConfig("idle_in_transaction_session_timeout", "400ms").start();
        db = Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.serverless().toBuilder().maxSize(20).build()).build();
    }

    @AfterAll
    static void stop() {
        db.close().block(Duration.ofSeconds(10));
        pg.close();
    }

    @BeforeEach
    void freshTable() {
        pg.execute("DROP TABLE IF EXISTS written", "CREATE TABLE written (id int PRIMARY KEY)");
    }

    @Test
    void aReadWhoseConnectionIsLostBeforeAnyRowIsRunAgain() throws Exception {
        long reruns = db.metrics().statementReruns();
        CompletableFuture<Long> terminated = terminateLater("SELECT pg_sleep(1.5), 42%", 500);
        db.sql("SELECT pg_sleep(1.5), 42 AS answer").map(row -> row.get("answer", Integer.class)).one()
                .as(StepVerifier::create).expectNext(42).verifyComplete();
        assertThat(terminated.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(db.metrics().statementReruns() - reruns).isEqualTo(1);
    }

    @Test
    void aWriteWhoseConnectionIsLostIsNotRunAgainAndItsOutcomeIsUnknown() throws Exception {
        long unknown = db.metrics().outcomeUnknown();
        long destroyed = db.metrics().connectionsDestroyedBroken();
        CompletableFuture<Long> terminated = terminateLater("INSERT INTO written SELECT 1 FROM pg_sleep(1.5)%", 500);
        db.sql("INSERT INTO written SELECT 1 FROM pg_sleep(1.5)").rowsUpdated()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(OutcomeUnknownException.class)
                        .hasMessageContaining("outcome is unknown").hasMessageContaining("INSERT INTO written"))
                .verify(Duration.ofSeconds(10));
        assertThat(terminated.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        // The server rolled the statement back, and the SDK did not run it again.
        assertThat(count("SELECT count(*) FROM written")).isZero();
        assertThat(db.metrics().outcomeUnknown() - unknown).isEqualTo(1);
        // The connection that lost its server was destroyed on release, not returned to the pool.
        assertThat(db.metrics().connectionsDestroyedBroken() - destroyed).isEqualTo(1);
    }

    @Test
    void aWriteDeclaredIdempotentIsRunAgain() throws Exception {
        CompletableFuture<Long> terminated = terminateLater("INSERT INTO written SELECT 2 FROM pg_sleep(1.5)%", 500);
        db.sql("INSERT INTO written SELECT 2 FROM pg_sleep(1.5) ON CONFLICT DO NOTHING").idempotent(true).rowsUpdated()
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        assertThat(terminated.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM written")).isEqualTo(1);
    }

    @Test
    void aRetryableTransactionIsRunAgainWholeWhenItsConnectionIsLostBeforeCommit() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Long> terminated = terminateLater("SELECT pg_sleep(1.2)%", 400);
        db.inRetryableTransaction(tx -> {
                    calls.incrementAndGet();
                    return tx.sql("INSERT INTO written VALUES (7)").rowsUpdated()
                            .then(tx.sql("SELECT pg_sleep(1.2)").rowsUpdated())
                            .then(tx.sql("SELECT count(*) FROM written").mapTo(Long.class).one());
                })
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        assertThat(terminated.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM written WHERE id = 7")).isEqualTo(1);
    }

    @Test
    void aTransactionKilledForIdlingIsRunAgainWhenRetryable() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        db.inRetryableTransaction(tx -> {
                    boolean first = calls.incrementAndGet() == 1;
                    return tx.sql("INSERT INTO written VALUES (9)").rowsUpdated()
                            // the first time, idle in the transaction past idle_in_transaction_session_timeout (25P03)
                            .delayElement(first ? Duration.ofMillis(1200) : Duration.ZERO)
                            .then(tx.sql("SELECT count(*) FROM written").mapTo(Long.class).one());
                })
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        assertThat(calls.get()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM written WHERE id = 9")).isEqualTo(1);
    }

    @Test
    void aPlainTransactionWhoseConnectionIsLostFailsAndLeavesNothing() throws Exception {
        CompletableFuture<Long> terminated = terminateLater("SELECT pg_sleep(1.2)%", 400);
        db.inTransaction(tx -> tx.sql("INSERT INTO written VALUES (8)").rowsUpdated()
                        .then(tx.sql("SELECT pg_sleep(1.2)").rowsUpdated()))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(((io.r2dbc.spi.R2dbcException) e).getSqlState()).isEqualTo("57P01"))
                .verify(Duration.ofSeconds(10));
        assertThat(terminated.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM written")).isZero();
    }

    @Test
    void everyReadSucceedsWhenAllBackendsAreTerminatedWhile16Read() throws Exception {
        // terminated once at least 8 of them are running (however slow the machine is to start them)
        CompletableFuture<Long> terminated = terminateWhenActive("SELECT pg_sleep(1.5)%", 8);
        List<Integer> answers = Flux.range(1, 16)
                .flatMap(n -> db.sql("SELECT pg_sleep(1.5), $1::int AS n").bind(0, n).map(row -> row.get("n", Integer.class)).one(), 16)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(answers).containsExactlyInAnyOrderElementsOf(Flux.range(1, 16).collectList().block());
        assertThat(terminated.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(8);
    }

    @Test
    void queriesSucceedAtOnceAfterTheServerClosedEveryIdleSession() throws Exception {
        // Fill the pool with 12 connections, then let idle_session_timeout=1s close them all (57P05).
        Flux.range(1, 12).flatMap(n -> db.sql("SELECT pg_sleep(0.2)").rowsUpdated(), 12).blockLast(Duration.ofSeconds(10));
        Thread.sleep(2000);
        long replaced = db.metrics().staleConnectionsReplaced();
        assertThat(db.metrics().idle()).isGreaterThanOrEqualTo(12);
        long started = System.nanoTime();
        db.sql("SELECT 2").mapTo(Integer.class).one().as(StepVerifier::create).expectNext(2).verifyComplete();
        // The closures are counted: the acquire met dead connections and replaced them.
        assertThat(db.metrics().staleConnectionsReplaced() - replaced).isGreaterThanOrEqualTo(1);
        // Dead pooled connections are replaced without backoff: well under the sum of backoffs (seconds).
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1500);
    }

    /** Terminates, after a delay, the backends whose current query matches a LIKE pattern; returns how many. */
    private static CompletableFuture<Long> terminateLater(String queryLike, long delayMs) {
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                long n = count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                        + " AND state = 'active' AND query LIKE '" + queryLike.replace("'", "''") + "'");
                if (n > 0) {
                    return n;
                }
                sleep(20);
            }
            return 0L;
        }, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS));
    }

    /** Terminates the backends running a query that matches a LIKE pattern, once at least {@code atLeast} of them run; returns how many. */
    private static CompletableFuture<Long> terminateWhenActive(String queryLike, int atLeast) {
        String matching = " FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '"
                + queryLike.replace("'", "''") + "'";
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && count("SELECT count(*)" + matching) < atLeast) {
                sleep(10);
            }
            return count("SELECT count(pg_terminate_backend(pid))" + matching);
        });
    }

    private static long count(String sql) {
        return pg.queryForLong(sql);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

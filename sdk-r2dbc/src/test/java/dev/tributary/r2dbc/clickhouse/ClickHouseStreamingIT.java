package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.clickhouse.ClickHouseServer;
import io.netty.channel.Channel;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming with backpressure, the error after rows, and cancel (KILL QUERY), against a real clickhouse-server. */
class ClickHouseStreamingIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseStreamingIT.class);
    private static final long TEN_MILLION = 10_000_000L;

    private static ClickHouseServer server;
    private static ClickHouseConnectionFactory factory;

    @BeforeAll
    static void startServer() {
        server = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).start();
        factory = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
                .host(server.host()).port(server.httpPort()).build());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static ClickHouseConnection connect() {
        return factory.create().block(Duration.ofSeconds(30));
    }

    private static void close(ClickHouseConnection connection) {
        Mono.from(connection.close()).block(Duration.ofSeconds(10));
    }

    /** @return the query ids of running queries whose text contains {@code marker} (other than this lookup) */
    private static List<String> running(String marker) {
        String ids = server.query("SELECT query_id FROM system.processes WHERE query LIKE '%" + marker + "%' AND query NOT LIKE '%system.processes%'");
        return ids.isEmpty() ? List.of() : List.of(ids.strip().split("\n"));
    }

    /** Polls (from the test thread) until no query with {@code marker} runs; returns the milliseconds it took. */
    private static long awaitGone(String marker, long fromNanos) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!running(marker).isEmpty()) {
            assertThat(System.nanoTime()).as("query " + marker + " still in system.processes after 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        return (System.nanoTime() - fromNanos) / 1_000_000;
    }

    @Test
    void tenMillionRowsStreamToAFastSubscriber() {
        ClickHouseConnection c = connect();
        try {
            long t0 = System.nanoTime();
            long[] countAndSum = Flux.from(c.createStatement("SELECT number FROM system.numbers LIMIT 10000000").execute())
                    .concatMap(r -> r.map((row, meta) -> row.get(0, Long.class)))
                    .reduce(new long[2], (acc, n) -> {
                        acc[0]++;
                        acc[1] += n;
                        return acc;
                    }).block(Duration.ofMinutes(3));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(countAndSum[0]).isEqualTo(TEN_MILLION);
            assertThat(countAndSum[1]).isEqualTo(TEN_MILLION * (TEN_MILLION - 1) / 2);
            LOG.info("10,000,000 rows in {} ms: {} rows/s", ms, TEN_MILLION * 1000 / Math.max(1, ms));
        } finally {
            close(c);
        }
    }

    @Test
    void aSlowSubscriberKeepsTheHeapBoundedAndItsCancelKillsTheQuery() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        ClickHouseConnection c = connect();
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        BaseSubscriber<Long> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // demand comes from the test thread below
            }

            @Override
            protected void hookOnNext(Long value) {
                received.incrementAndGet();
            }

            @Override
            protected void hookOnError(Throwable error) {
                failure.set(error);
            }
        };
        try {
            Flux.from(c.createStatement("SELECT number, 'slow-reader' FROM system.numbers LIMIT 10000000").execute())
                    .concatMap(r -> r.map((row, meta) -> row.get(0, Long.class)))
                    .subscribe(slow);
            long maxUsed = 0;
            long t0 = System.nanoTime();
            // about 100,000 rows/s for 3 s: far slower than the server produces them
            while (System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos()) {
                slow.request(1_000);
                Thread.sleep(10);
                if (received.get() % 50_000 < 1_000) {
                    System.gc();
                    maxUsed = Math.max(maxUsed, memory.getHeapMemoryUsage().getUsed());
                }
            }
            System.gc();
            maxUsed = Math.max(maxUsed, memory.getHeapMemoryUsage().getUsed());
            List<String> ids = running("slow-reader");
            String readRows = server.query("SELECT read_rows FROM system.processes WHERE query LIKE '%slow-reader%' AND query NOT LIKE '%system.processes%'").strip();
            LOG.info("slow subscriber: {} rows received in 3 s; the server has read {} rows; heap {} MB above the baseline (max, after GC)",
                    received.get(), readRows, (maxUsed - baseline) / (1024 * 1024));
            assertThat(failure.get()).isNull();
            assertThat(received.get()).isBetween(10_000L, 400_000L);
            // the server is held back by TCP flow control: it is still running, far from 10M rows
            assertThat(ids).hasSize(1);
            assertThat(Long.parseLong(readRows)).isLessThan(TEN_MILLION);
            // 10M rows decoded would take well over a gigabyte; a bounded stream stays within a few buffers
            assertThat(maxUsed - baseline).isLessThan(128L * 1024 * 1024);

            long cancelled = System.nanoTime();
            slow.dispose();
            long goneMs = awaitGone("slow-reader", cancelled);
            LOG.info("cancel of a streaming result: the query left system.processes {} ms after the cancel", goneMs);
        } finally {
            close(c);
        }
    }

    @Test
    void cancelBeforeTheFirstRowKillsTheQuery() throws Exception {
        ClickHouseConnection c = connect();
        try {
            var subscription = Flux.from(c.createStatement("SELECT count(), 'cancel-me' FROM system.numbers").execute())
                    .concatMap(r -> r.map((row, meta) -> row.get(0, Long.class)))
                    .subscribe();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (running("cancel-me").isEmpty()) {
                assertThat(System.nanoTime()).as("the query never showed in system.processes").isLessThan(deadline);
                Thread.sleep(20);
            }
            long cancelled = System.nanoTime();
            subscription.dispose();
            long goneMs = awaitGone("cancel-me", cancelled);
            LOG.info("cancel before the response: the query left system.processes {} ms after the cancel", goneMs);
            // the connection is usable afterwards (a new TCP connection replaces the cut one)
            assertThat(Flux.from(c.createStatement("SELECT 42").execute()).concatMap(r -> r.map((row, m) -> row.get(0, Integer.class)))
                    .blockLast(Duration.ofSeconds(10))).isEqualTo(42);
        } finally {
            close(c);
        }
    }

    /**
     * The cancel cuts the statement's TCP connection, whose close runs later on its event loop: no
     * request may be sent on it afterwards. Under load the next statement once went out on the cut
     * connection and met "Connection prematurely closed BEFORE response". The event loop is held
     * (spinning: BlockHound forbids blocking it) over the cancel and the next statement's acquire,
     * so that the close is still queued when the provider lends a connection.
     */
    @Test
    void theStatementAfterACancelIsNeverSentOnTheCutConnection() throws Exception {
        // the TCP connection of every request, the control client's KILL QUERY included
        List<Channel> sentOn = new CopyOnWriteArrayList<>();
        ClickHouseConnection c = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
                .host(server.host()).port(server.httpPort()).build(),
                client -> client.doOnRequest((request, connection) -> sentOn.add(connection.channel())))
                .create().block(Duration.ofSeconds(30));
        try {
            var subscription = Flux.from(c.createStatement("SELECT count(), 'cut-connection' FROM system.numbers").execute())
                    .concatMap(r -> r.map((row, meta) -> row.get(0, Long.class)))
                    .subscribe(n -> { }, e -> { });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (running("cut-connection").isEmpty()) {
                assertThat(System.nanoTime()).as("the query never showed in system.processes").isLessThan(deadline);
                Thread.sleep(20);
            }
            int beforeCancel = sentOn.size();
            Channel cut = sentOn.get(beforeCancel - 1);
            AtomicBoolean holding = new AtomicBoolean();
            AtomicBoolean let = new AtomicBoolean();
            cut.eventLoop().execute(() -> {
                holding.set(true);
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!let.get() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
            while (!holding.get()) {
                Thread.onSpinWait();
            }
            subscription.dispose();
            CompletableFuture<Integer> next = Flux.from(c.createStatement("SELECT 43").execute())
                    .concatMap(r -> r.map((row, m) -> row.get(0, Integer.class))).single().toFuture();
            Thread.sleep(100);
            let.set(true);
            assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(43);
            assertThat(sentOn.subList(beforeCancel, sentOn.size())).isNotEmpty().doesNotContain(cut);
            awaitGone("cut-connection", System.nanoTime());
        } finally {
            close(c);
        }
    }

    @Test
    void anErrorAfterRowsStartedComesAfterTheRowsBeforeIt() {
        ClickHouseConnection c = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
                .host(server.host()).port(server.httpPort()).setting("max_block_size", "10000").build()).create().block(Duration.ofSeconds(30));
        try {
            // random text, so that even gzipped the rows before the error overflow the server's 1 MiB output
            // buffer: the 200 status and those rows are sent before the error happens
            String sql = "SELECT throwIf(number = 300000) AS t, toString(rand64()) AS r FROM system.numbers LIMIT 400000";
            List<Signal<Integer>> signals = Flux.from(c.createStatement(sql).execute())
                    .concatMap(r -> r.map((row, meta) -> row.get("t", Integer.class)))
                    .materialize().collectList().block(Duration.ofSeconds(30));
            List<Signal<Integer>> values = signals.subList(0, signals.size() - 1);
            Signal<Integer> last = signals.get(signals.size() - 1);
            assertThat(values).hasSize(300_000).allSatisfy(s -> assertThat(s.get()).isZero());
            assertThat(last.isOnError()).isTrue();
            assertThat(last.getThrowable()).isInstanceOf(R2dbcDataIntegrityViolationException.class)
                    .hasMessageContaining("throwIf");
            R2dbcException error = (R2dbcException) last.getThrowable();
            assertThat(error.getErrorCode()).isEqualTo(395);
            assertThat(error.getSql()).isEqualTo(sql);
        } finally {
            close(c);
        }
    }

    @Test
    void cancellingABulkInsertStopsThePostAndKillsTheQuery() throws Exception {
        server.query("CREATE TABLE cancel_insert (id UInt64, name String) ENGINE = Memory");
        ClickHouseConnection c = connect();
        try {
            AtomicLong generated = new AtomicLong();
            Flux<List<?>> endless = Flux.generate(sink -> {
                long i = generated.getAndIncrement();
                sink.next(List.of(i, "row " + i));
            });
            AtomicReference<Signal<Long>> outcome = new AtomicReference<>();
            var subscription = c.insert("cancel_insert", List.of("id", "name"), endless)
                    .materialize().subscribe(outcome::set);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (running("cancel_insert").isEmpty() || generated.get() < 100_000) {
                assertThat(System.nanoTime()).as("the insert never showed in system.processes").isLessThan(deadline);
                Thread.sleep(20);
            }
            long cancelled = System.nanoTime();
            subscription.dispose();
            long atCancel = generated.get();
            Thread.sleep(100);
            long shortlyAfter = generated.get();
            long goneMs = awaitGone("cancel_insert", cancelled);
            LOG.info("cancel of a bulk insert after {} rows generated ({} 100 ms later, {} at the end): the query left system.processes {} ms after the cancel",
                    atCancel, shortlyAfter, generated.get(), goneMs);
            assertThat(outcome.get()).as("no count is emitted for a cancelled insert").isNull();
            // the endless source stopped being read at the cancel
            assertThat(shortlyAfter - atCancel).isLessThanOrEqualTo(10);
            assertThat(generated.get()).isEqualTo(shortlyAfter);
            assertThat(Mono.from(c.createStatement("SELECT 1").execute()).flatMapMany(r -> r.map((row, m) -> row.get(0, Integer.class)))
                    .blockLast(Duration.ofSeconds(10))).isEqualTo(1);
        } finally {
            close(c);
        }
    }

    @Test
    void aSessionStatementRightAfterACancelledOneRuns() throws Exception {
        ClickHouseConnection c = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
                .host(server.host()).port(server.httpPort()).session(true).build()).create().block(Duration.ofSeconds(30));
        try {
            var subscription = Flux.from(c.createStatement("SELECT count(), 'session-cancel' FROM system.numbers").execute())
                    .concatMap(r -> r.map((row, meta) -> row.get(0, Long.class)))
                    .subscribe();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (running("session-cancel").isEmpty()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            subscription.dispose();
            // the session may still be locked by the killed query for a moment (error 373): retried
            assertThat(Flux.from(c.createStatement("SELECT 7").execute()).concatMap(r -> r.map((row, m) -> row.get(0, Integer.class)))
                    .blockLast(Duration.ofSeconds(10))).isEqualTo(7);
        } finally {
            close(c);
        }
    }

    @Test
    void closingAConnectionKillsItsRunningQuery() throws Exception {
        ClickHouseConnection c = connect();
        Flux.from(c.createStatement("SELECT count(), 'close-me' FROM system.numbers").execute())
                .concatMap(r -> r.map((row, meta) -> row.get(0, Long.class)))
                .subscribe(n -> { }, e -> { });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (running("close-me").isEmpty()) {
            assertThat(System.nanoTime()).as("the query never showed in system.processes").isLessThan(deadline);
            Thread.sleep(20);
        }
        long closing = System.nanoTime();
        close(c);
        LOG.info("close with a running query: it left system.processes {} ms after close()", awaitGone("close-me", closing));
    }
}

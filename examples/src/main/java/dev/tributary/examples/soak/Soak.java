package dev.tributary.examples.soak;

import dev.tributary.Tributary;
import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.OutcomeUnknownException;
import dev.tributary.sql.PoolMetrics;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak of the scale-to-zero behaviour: readers and writers run against an embedded PostgreSQL
 * with {@code idle_session_timeout=1s} while the server is restarted and all its backends are
 * terminated at fixed intervals. It counts reads done and failed, writes acknowledged, lost (an
 * acknowledged row missing), doubled (a row stored twice) and of unknown outcome, connections
 * leaked (still acquired from the pool once everything stopped), and the recovery latency: the
 * time from the server accepting connections again after a restart to the first read that
 * succeeds. Blocking: run it from a main thread.
 *
 * <pre>{@code
 * Soak.Report report = Soak.run(Soak.Settings.full(), new PrintWriter(System.out, true));
 * }</pre>
 */
public final class Soak {

    private Soak() {
    }

    /**
     * @param duration       how long readers and writers run
     * @param readers        concurrent readers
     * @param writers        concurrent writers
     * @param restartEvery   how often the server is stopped and started again
     * @param terminateEvery how often every client backend is terminated ({@code pg_terminate_backend})
     */
    public record Settings(Duration duration, int readers, int writers, Duration restartEvery, Duration terminateEvery) {

        /** @return 60 s, 16 readers, 4 writers, a restart every 10 s, all backends terminated every 7 s */
        public static Settings full() {
            return new Settings(Duration.ofSeconds(60), 16, 4, Duration.ofSeconds(10), Duration.ofSeconds(7));
        }

        /** @return 10 s, 16 readers, 4 writers, a restart every 4 s, all backends terminated every 3 s */
        public static Settings quick() {
            return new Settings(Duration.ofSeconds(10), 16, 4, Duration.ofSeconds(4), Duration.ofSeconds(3));
        }
    }

    /**
     * What the soak saw.
     *
     * @param readsDone          reads that returned their row
     * @param readsFailed        reads that signalled an error
     * @param writesAcknowledged inserts that completed
     * @param writesLost         acknowledged inserts whose row is missing
     * @param writesDoubled      rows stored more than once
     * @param outcomeUnknown     inserts that signalled {@link OutcomeUnknownException}
     * @param writesRefused      inserts that signalled {@link DatabaseUnavailableException} (never sent)
     * @param otherWriteErrors   inserts that failed otherwise
     * @param connectionsLeaked  connections still acquired from the pool once everything stopped
     * @param restarts           server restarts
     * @param terminations       backends terminated
     * @param recoveryMs         recovery latency after each restart, in ms
     * @param failures           up to 10 failure messages, for the record
     * @param metrics            the client's metrics at the end
     */
    public record Report(long readsDone, long readsFailed, long writesAcknowledged, long writesLost, long writesDoubled,
                         long outcomeUnknown, long writesRefused, long otherWriteErrors, int connectionsLeaked, int restarts,
                         long terminations, Histogram recoveryMs, List<String> failures, PoolMetrics metrics) {

        /** @param out where to print the figures as a two-column table */
        public void print(PrintWriter out) {
            out.printf("%-36s %12s%n", "figure", "value");
            out.printf("%-36s %12s%n", "-".repeat(36), "-".repeat(12));
            row(out, "reads done", this.readsDone);
            row(out, "reads failed", this.readsFailed);
            row(out, "writes acknowledged", this.writesAcknowledged);
            row(out, "writes lost", this.writesLost);
            row(out, "writes doubled", this.writesDoubled);
            row(out, "writes of unknown outcome", this.outcomeUnknown);
            row(out, "writes refused (not sent)", this.writesRefused);
            row(out, "writes failed otherwise", this.otherWriteErrors);
            row(out, "connections leaked", this.connectionsLeaked);
            row(out, "server restarts", this.restarts);
            row(out, "backends terminated", this.terminations);
            row(out, "recovery latency p50 (ms)", this.recoveryMs.getTotalCount() == 0 ? -1 : this.recoveryMs.getValueAtPercentile(50));
            row(out, "recovery latency p99 (ms)", this.recoveryMs.getTotalCount() == 0 ? -1 : this.recoveryMs.getValueAtPercentile(99));
            row(out, "recovery latency max (ms)", this.recoveryMs.getTotalCount() == 0 ? -1 : this.recoveryMs.getMaxValue());
            row(out, "connections opened", this.metrics.connectionsOpened());
            row(out, "connect retries", this.metrics.connectRetries());
            row(out, "dead pooled connections replaced", this.metrics.staleConnectionsReplaced());
            row(out, "statements re-run", this.metrics.statementReruns());
            row(out, "connections destroyed (lost server)", this.metrics.connectionsDestroyedBroken());
            row(out, "connections destroyed (expired)", this.metrics.connectionsExpired());
            for (String failure : this.failures) {
                out.println("failure: " + failure);
            }
        }

        private static void row(PrintWriter out, String name, long value) {
            out.printf("%-36s %,12d%n", name, value);
        }
    }

    /**
     * Runs the soak.
     *
     * @param settings what to run
     * @param progress where to print progress lines (restarts, terminations)
     * @return the figures
     * @throws InterruptedException if interrupted
     */
    public static Report run(Settings settings, PrintWriter progress) throws InterruptedException {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().serverConfig("idle_session_timeout", "1s").start()) {
            pg.execute("CREATE TABLE soak_writes (id bigint NOT NULL, writer int NOT NULL)"); // no key: a doubled row would show
            SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres"))
                    .pool(PoolSettings.serverless().toBuilder().maxSize(settings.readers() + settings.writers() + 4).build())
                    .build();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong readsDone = new AtomicLong();
            AtomicLong readsFailed = new AtomicLong();
            AtomicLong awaitingRecoverySince = new AtomicLong();
            Histogram recovery = new Histogram(3_600_000L, 3);
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicLong unknown = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicLong otherWriteErrors = new AtomicLong();
            List<String> failures = new CopyOnWriteArrayList<>();

            Flux<Long> readers = Flux.range(0, settings.readers()).flatMap(reader -> Mono.defer(() ->
                            db.sql("SELECT count(*) FROM soak_writes WHERE writer = $1").bind(0, reader % settings.writers())
                                    .mapTo(Long.class).one()
                                    .doOnNext(count -> {
                                        readsDone.incrementAndGet();
                                        long since = awaitingRecoverySince.get();
                                        if (since != 0 && awaitingRecoverySince.compareAndSet(since, 0)) {
                                            synchronized (recovery) {
                                                recovery.recordValue(Math.max(0, (System.nanoTime() - since) / 1_000_000));
                                            }
                                        }
                                    })
                                    .onErrorResume(e -> {
                                        readsFailed.incrementAndGet();
                                        note(failures, "read: " + e);
                                        return Mono.empty();
                                    })
                                    // now and then a reader pauses past the idle session timeout
                                    .then(Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(20) == 0 ? 1200 : 5))))
                    .repeat(running::get), settings.readers());
            Flux<Long> writers = Flux.range(0, settings.writers()).flatMap(writer -> Flux.range(0, Integer.MAX_VALUE)
                    .takeWhile(i -> running.get())
                    .concatMap(i -> {
                        long id = writer * 100_000_000L + i;
                        return db.sql("INSERT INTO soak_writes (id, writer) VALUES ($1, $2)").bind(0, id).bind(1, writer).rowsUpdated()
                                .doOnNext(n -> acknowledged.add(id))
                                .onErrorResume(e -> {
                                    if (e instanceof OutcomeUnknownException) {
                                        unknown.incrementAndGet();
                                    } else if (e instanceof DatabaseUnavailableException) {
                                        refused.incrementAndGet();
                                    } else {
                                        otherWriteErrors.incrementAndGet();
                                        note(failures, "write: " + e);
                                    }
                                    return Mono.empty();
                                });
                    }), settings.writers());
            var load = Flux.merge(readers, writers).then().toFuture();

            long start = System.nanoTime();
            long end = start + settings.duration().toNanos();
            long nextRestart = start + settings.restartEvery().toNanos();
            long nextTerminate = start + settings.terminateEvery().toNanos();
            int restarts = 0;
            long terminations = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextRestart) {
                    pg.stop();
                    pg.start();
                    awaitingRecoverySince.set(System.nanoTime());
                    restarts++;
                    progress.printf("  %5.1f s: server restarted%n", (System.nanoTime() - start) / 1e9);
                    progress.flush();
                    nextRestart += settings.restartEvery().toNanos();
                } else if (now >= nextTerminate) {
                    long n = terminateAll(pg);
                    terminations += n;
                    progress.printf("  %5.1f s: %d backends terminated%n", (System.nanoTime() - start) / 1e9, n);
                    progress.flush();
                    nextTerminate += settings.terminateEvery().toNanos();
                } else {
                    Thread.sleep(Math.min(50, TimeUnit.NANOSECONDS.toMillis(Math.min(nextRestart, nextTerminate) - now) + 1));
                }
            }
            running.set(false);
            try {
                load.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                note(failures, "load did not finish: " + e);
            }
            int leaked = awaitIdle(db);
            PoolMetrics metrics = db.metrics();
            db.close().block(Duration.ofSeconds(30));

            Map<Long, Integer> stored = stored(pg);
            long lost = acknowledged.stream().filter(id -> !stored.containsKey(id)).count();
            long doubled = stored.values().stream().filter(n -> n > 1).count();
            return new Report(readsDone.get(), readsFailed.get(), acknowledged.size(), lost, doubled, unknown.get(), refused.get(),
                    otherWriteErrors.get(), leaked, restarts, terminations, recovery, List.copyOf(failures), metrics);
        }
    }

    private static void note(List<String> failures, String failure) {
        if (failures.size() < 10) {
            failures.add(failure);
        }
    }

    private static long terminateAll(EmbeddedPostgresServer pg) {
        try (Connection c = pg.superuserDataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not terminate the backends: " + e.getMessage(), e);
        }
    }

    private static int awaitIdle(SqlClient db) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.metrics().acquired() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return db.metrics().acquired();
    }

    private static Map<Long, Integer> stored(EmbeddedPostgresServer pg) {
        Map<Long, Integer> stored = new HashMap<>();
        try (Connection c = pg.superuserDataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, count(*) FROM soak_writes GROUP BY id")) {
            while (rs.next()) {
                stored.put(rs.getLong(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the stored rows: " + e.getMessage(), e);
        }
        return stored;
    }
}

package dev.tributary.benchmarks.sql;

import dev.tributary.benchmarks.RunSettings;
import dev.tributary.benchmarks.report.MarkdownTable;
import dev.tributary.benchmarks.report.Report;
import dev.tributary.benchmarks.report.Rounds;
import dev.tributary.sql.PoolSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import static dev.tributary.benchmarks.report.MarkdownTable.figure;
import static dev.tributary.benchmarks.report.MarkdownTable.noise;
import static dev.tributary.benchmarks.report.MarkdownTable.ratio;

/**
 * The SQL scenarios (1 to 5 of issue 7) on one {@link BenchDatabase}. Rounds are interleaved: round
 * 1 of every contender, then round 2..., so that a busy moment of the machine does not land on one
 * contender only; each round starts with another contender.
 */
public final class SqlScenarios {

    static final String BASELINE = "r2dbc-pool (raw driver)";
    /**
     * The diagnostic row: the raw driver with Tributary's default fetch size on every query, as
     * Tributary's streams ({@code all()}, {@code first()}) have it; its {@code one()} has none.
     */
    static final String WITH_FETCH_SIZE = "r2dbc-pool + fetchSize(1000), as Tributary's streams";
    private static final String POSTGRESQL_CLIENT = "not installed (Debian package postgresql-client)";

    private final BenchDatabase db;
    private final RunSettings settings;

    /**
     * @param db       the database
     * @param settings durations, rounds, pool size
     */
    public SqlScenarios(BenchDatabase db, RunSettings settings) {
        this.db = db;
        this.settings = settings;
    }

    private List<Contender> jvmContenders() {
        int size = this.settings.poolSize();
        String url = this.db.r2dbcUrl();
        var server = this.db.server();
        List<Contender> all = new ArrayList<>();
        all.add(new TributaryContender("Tributary (defaults)", url, PoolSettings.defaults(), size));
        all.add(new TributaryContender("Tributary (serverless)", url, PoolSettings.serverless(), size));
        all.add(new R2dbcPoolContender(BASELINE, url, size));
        all.add(new R2dbcPoolContender(WITH_FETCH_SIZE, url, size, 1000));
        all.add(new SpringContender("Spring DatabaseClient", url, size));
        all.add(new VertxContender("Vert.x pg-client", server.host(), server.port(), BenchDatabase.DATABASE, "postgres", size));
        all.add(new JdbcContender("pgjdbc + HikariCP", this.db.jdbcUrl(), "postgres", size));
        return all;
    }

    private static void closeAll(List<? extends AutoCloseable> contenders) {
        for (AutoCloseable c : contenders) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("Could not close " + c + ": " + e);
            }
        }
    }

    // ---- 1 and 4: closed loops -----------------------------------------------------------------

    /**
     * Scenario 1: point selects by primary key at concurrency 1, 16 and 64.
     *
     * @param report where the tables go
     * @param levels the concurrency levels
     */
    public void pointSelect(Report report, int... levels) {
        report.add("## 1. Point select by primary key\n\n"
                + "`SELECT id, name, score, amount, created, flag FROM items WHERE id = $1` with a uniformly random key of "
                + String.format("%,d", this.db.rows()) + " rows; closed loop (each caller starts its next query when the previous one "
                + "returned), " + seconds(this.settings.warmup()) + " warm-up per contender and level, then " + this.settings.rounds()
                + " rounds of " + seconds(this.settings.duration()) + ". Pool size " + this.settings.poolSize() + " for every client; "
                + "pgbench opens one connection per client. Latency in ms (HdrHistogram); the quoted figures are the medians of the rounds.");
        closedLoopTables(report, Workload.POINT_SELECT, levels);
    }

    /**
     * Scenario 4: three-statement read-modify-write transactions.
     *
     * @param report      where the table goes
     * @param concurrency callers
     */
    public void transactions(Report report, int concurrency) {
        report.add("## 4. Read-modify-write transactions\n\n"
                + "`BEGIN; SELECT balance FROM accounts WHERE id = $1 FOR UPDATE; UPDATE accounts SET balance = $2 WHERE id = $1; "
                + "INSERT INTO transfers (account_id, amount) VALUES ($1, $2); COMMIT` on a random one of 100,000 accounts, at "
                + "concurrency " + concurrency + ". Same warm-up and rounds as scenario 1; pgbench runs the same statements as a script "
                + "(`\\gset` for the read).");
        closedLoopTables(report, Workload.TRANSFER, concurrency);
    }

    private void closedLoopTables(Report report, Workload workload, int... levels) {
        List<Contender> contenders = jvmContenders();
        Optional<Path> pgbench = BenchDatabase.clientProgram(PgbenchContender.EXECUTABLE);
        pgbench.ifPresent(p -> contenders.add(new PgbenchContender("pgbench -M prepared (the limit)", p, this.db.server().host(),
                this.db.server().port(), BenchDatabase.DATABASE, "postgres")));
        try {
            for (int concurrency : levels) {
                Map<Contender, List<LoopResult>> results = new LinkedHashMap<>();
                for (Contender c : contenders) {
                    progress(workload + " c=" + concurrency + " warm-up " + c.name());
                    if (!(c instanceof PgbenchContender)) {
                        c.closedLoop(workload, this.db.rows(), concurrency, this.settings.warmup());
                    }
                    results.put(c, new ArrayList<>());
                }
                for (int round = 0; round < this.settings.rounds(); round++) {
                    for (Contender c : rotated(contenders, round)) {
                        progress(workload + " c=" + concurrency + " round " + (round + 1) + " " + c.name());
                        results.get(c).add(c.closedLoop(workload, this.db.rows(), concurrency, this.settings.duration()));
                    }
                }
                report.add(closedLoopTable(workload, concurrency, results, pgbench.isPresent()));
            }
        } finally {
            closeAll(contenders);
        }
    }

    static String closedLoopTable(Workload workload, int concurrency, Map<Contender, List<LoopResult>> results, boolean pgbenchInstalled) {
        double baseline = Double.NaN;
        for (Map.Entry<Contender, List<LoopResult>> e : results.entrySet()) {
            if (e.getKey().name().equals(BASELINE)) {
                baseline = rounds(e.getValue(), LoopResult::throughput).median();
            }
        }
        String unit = workload == Workload.POINT_SELECT ? "queries/s" : "transactions/s";
        MarkdownTable table = new MarkdownTable("contender", "#" + unit, "#vs r2dbc-pool", "#p50 ms", "#p99 ms", "#errors",
                "#" + unit + " min / median / max (rounds)");
        for (Map.Entry<Contender, List<LoopResult>> e : results.entrySet()) {
            List<LoopResult> rounds = e.getValue();
            Rounds throughput = rounds(rounds, LoopResult::throughput);
            long errors = rounds.stream().mapToLong(LoopResult::errors).sum();
            table.row(e.getKey().name(), figure(throughput.median()), ratio(throughput.median(), baseline),
                    figure(rounds(rounds, LoopResult::p50Millis).median()), figure(rounds(rounds, LoopResult::p99Millis).median()), errors,
                    noise(throughput));
        }
        if (!pgbenchInstalled) {
            table.row("pgbench -M prepared", POSTGRESQL_CLIENT, "", "", "", "", "");
        }
        return "### " + (workload == Workload.POINT_SELECT ? "Point select" : "Transactions") + ", concurrency " + concurrency + "\n\n"
                + table.render();
    }

    /**
     * @return the contenders in round-robin order starting at {@code round}: each round starts with
     * another contender, so none always follows the same neighbour (pgbench's 64 connections closing,
     * a stream's garbage)
     */
    static <T> List<T> rotated(List<T> contenders, int round) {
        List<T> order = new ArrayList<>(contenders);
        java.util.Collections.rotate(order, -(round % Math.max(1, order.size())));
        return order;
    }

    static <T> Rounds rounds(List<T> values, ToDoubleFunction<T> figure) {
        return new Rounds(values.stream().map(v -> figure.applyAsDouble(v)).toList());
    }

    // ---- 2: streaming --------------------------------------------------------------------------

    /**
     * Scenario 2: streaming the items with a fast and a slow consumer.
     *
     * @param report where the table goes
     */
    public void streaming(Report report) {
        long rows = this.settings.streamRows();
        long pauseEvery = 10_000;
        long pauseMillis = 5;
        report.add("## 2. Streaming " + String.format("%,d", rows) + " rows of 6 columns\n\n"
                + "`SELECT id, name, score, amount, created, flag FROM items WHERE id <= $1`, each row mapped to a record. Fast consumer: "
                + "folds each row into a digest on the client's thread. Slow consumer: on a thread of its own behind `publishOn(.., 256)` "
                + "(pgjdbc: its reading thread), and pauses " + pauseMillis + " ms every " + String.format("%,d", pauseEvery)
                + " rows, so the client must hold the rest back (backpressure). Heap growth over a baseline taken after `System.gc()`: "
                + "the peak of the used heap sampled every 10 ms (mostly the young generation filling between collections; the "
                + "largest of the rounds), and the heap still used after a full `System.gc()` run by the consumer at the middle row "
                + "(what the client holds on the heap: its decoded, buffered rows; Netty's direct buffers are not counted; median of the "
                + "rounds; that collection's pause is inside the rows/s). "
                + "Rows per fetch: Tributary 1,000 (its default `fetchSize`), Vert.x 1,000 (cursor), pgjdbc 1,000 (`setFetchSize`), "
                + "the diagnostic raw-driver row 1,000; raw r2dbc and Spring use the driver's default (no portal: TCP flow control "
                + "holds the rest back). One warm-up pass of each, then " + this.settings.rounds() + " rounds.");
        List<Contender> contenders = jvmContenders();
        try {
            for (boolean slow : new boolean[] {false, true}) {
                Map<Contender, List<StreamRun>> results = new LinkedHashMap<>();
                for (Contender c : contenders) {
                    progress("stream " + (slow ? "slow" : "fast") + " warm-up " + c.name());
                    c.stream(Math.min(rows, 200_000), slow ? RowConsumer.slow(pauseEvery, pauseMillis * 1_000_000) : RowConsumer.fast());
                    results.put(c, new ArrayList<>());
                }
                for (int round = 0; round < this.settings.rounds(); round++) {
                    for (Contender c : rotated(contenders, round)) {
                        progress("stream " + (slow ? "slow" : "fast") + " round " + (round + 1) + " " + c.name());
                        RowConsumer consumer = slow ? RowConsumer.slow(pauseEvery, pauseMillis * 1_000_000) : RowConsumer.fast();
                        try (HeapSampler heap = new HeapSampler()) {
                            consumer.probeAt(rows / 2, heap::measureRetained);
                            long t0 = System.nanoTime();
                            long read = c.stream(rows, consumer);
                            long elapsed = System.nanoTime() - t0;
                            if (read != rows || consumer.rows() != rows) {
                                throw new IllegalStateException(c.name() + " streamed " + read + " rows instead of " + rows);
                            }
                            results.get(c).add(new StreamRun(rows * 1e9 / elapsed, heap.growth()));
                        }
                    }
                }
                report.add(streamTable(slow, results));
            }
        } finally {
            closeAll(contenders);
        }
    }

    record StreamRun(double rowsPerSecond, HeapSampler.Growth heap) {
    }

    static String streamTable(boolean slow, Map<Contender, List<StreamRun>> results) {
        double baseline = Double.NaN;
        for (Map.Entry<Contender, List<StreamRun>> e : results.entrySet()) {
            if (e.getKey().name().equals(BASELINE)) {
                baseline = rounds(e.getValue(), StreamRun::rowsPerSecond).median();
            }
        }
        MarkdownTable table = new MarkdownTable("contender", "#rows/s", "#vs r2dbc-pool", "#peak heap growth MiB (sampled)",
                "#heap retained mid-stream MiB", "#rows/s min / median / max (rounds)");
        for (Map.Entry<Contender, List<StreamRun>> e : results.entrySet()) {
            Rounds rate = rounds(e.getValue(), StreamRun::rowsPerSecond);
            table.row(e.getKey().name(), figure(rate.median()), ratio(rate.median(), baseline),
                    figure(e.getValue().stream().mapToDouble(r -> r.heap().peakSampledMib()).max().orElse(Double.NaN)),
                    figure(rounds(e.getValue(), r -> r.heap().retainedMib()).median()),
                    noise(rate));
        }
        return "### Streaming, " + (slow ? "slow consumer (backpressure)" : "fast consumer") + "\n\n" + table.render();
    }

    private static String seconds(java.time.Duration d) {
        return figure(d.toMillis() / 1000.0) + " s";
    }

    static void progress(String what) {
        System.err.println("[bench] " + java.time.LocalTime.now().withNano(0) + " " + what);
    }
}

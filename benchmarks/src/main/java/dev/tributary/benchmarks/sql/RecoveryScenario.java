package dev.tributary.benchmarks.sql;

import dev.tributary.benchmarks.RunSettings;
import dev.tributary.benchmarks.report.MarkdownTable;
import dev.tributary.benchmarks.report.Report;
import dev.tributary.benchmarks.report.Rounds;
import dev.tributary.sql.PoolSettings;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import static dev.tributary.benchmarks.report.MarkdownTable.figure;

/**
 * Scenario 5: the embedded server restarts (a fast shutdown, then a start on the same port and
 * data) while every client keeps querying; measured per client: the time from the server
 * accepting connections again to its first successful query, and the errors its callers saw.
 */
public final class RecoveryScenario {

    private static final int CALLERS = 4;
    private static final Duration THINK = Duration.ofMillis(5);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DOWN = Duration.ofSeconds(1);
    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    private final BenchDatabase db;
    private final RunSettings settings;

    /**
     * @param db       the database (restarted by this scenario)
     * @param settings rounds and pool size
     */
    public RecoveryScenario(BenchDatabase db, RunSettings settings) {
        this.db = db;
        this.settings = settings;
    }

    /** What one client did around one restart. */
    static final class Probe {
        final AtomicLong errors = new AtomicLong();
        final AtomicLong firstSuccessAfterReady = new AtomicLong();
        final Map<String, Long> errorTypes = new ConcurrentHashMap<>();
        volatile long readyAt = Long.MAX_VALUE;

        void success() {
            long now = System.nanoTime();
            if (now >= this.readyAt) {
                this.firstSuccessAfterReady.compareAndSet(0, now);
            }
        }

        void error(Throwable e) {
            this.errors.incrementAndGet();
            // pgjdbc's SQLException travels wrapped in an unchecked exception: name the driver's
            Throwable shown = e instanceof IllegalStateException && e.getCause() instanceof java.sql.SQLException ? e.getCause() : e;
            this.errorTypes.merge(shown.getClass().getSimpleName(), 1L, Long::sum);
        }

        boolean recovered() {
            return this.firstSuccessAfterReady.get() != 0;
        }
    }

    private record Client(String name, LongFunction<Mono<?>> query, AutoCloseable resource) {
    }

    /**
     * Runs the restarts and adds the table.
     *
     * @param report where the table goes
     */
    public void run(Report report) {
        report.add("## 5. Recovery from a server restart\n\n"
                + "Every client runs " + CALLERS + " callers of point selects (" + THINK.toMillis() + " ms pause between queries, "
                + QUERY_TIMEOUT.toSeconds() + " s timeout per query) against the same server; the server is stopped (fast shutdown: "
                + "sessions terminated), stays down " + DOWN.toMillis() + " ms, and starts again on the same port and data. Recovery: "
                + "from the moment the server accepts connections again to the client's first successful query. Errors: queries that "
                + "signalled an error to the caller during the restart. " + this.settings.rounds() + " restarts; pgjdbc's blocking "
                + "calls run on `boundedElastic`.");
        int size = this.settings.poolSize();
        String url = this.db.r2dbcUrl();
        var server = this.db.server();
        List<Client> clients = new ArrayList<>();
        TributaryContender defaults = new TributaryContender("Tributary (defaults)", url, PoolSettings.defaults(), size);
        TributaryContender serverless = new TributaryContender("Tributary (serverless)", url, PoolSettings.serverless(), size);
        R2dbcPoolContender raw = new R2dbcPoolContender(SqlScenarios.BASELINE, url, size);
        SpringContender spring = new SpringContender("Spring DatabaseClient", url, size);
        VertxContender vertx = new VertxContender("Vert.x pg-client", server.host(), server.port(), BenchDatabase.DATABASE, "postgres", size);
        JdbcContender jdbc = new JdbcContender("pgjdbc + HikariCP", this.db.jdbcUrl(), "postgres", size);
        for (ReactiveContender c : List.of(defaults, serverless, raw, spring, vertx)) {
            clients.add(new Client(c.name(), c::pointSelect, c));
        }
        clients.add(new Client(jdbc.name(), id -> Mono.fromRunnable(() -> jdbc.pointSelect(id)).subscribeOn(Schedulers.boundedElastic()), jdbc));
        Map<String, List<Double>> recoveries = new LinkedHashMap<>();
        Map<String, List<Long>> errors = new LinkedHashMap<>();
        Map<String, Map<String, Long>> errorTypes = new LinkedHashMap<>();
        clients.forEach(c -> {
            recoveries.put(c.name(), new ArrayList<>());
            errors.put(c.name(), new ArrayList<>());
            errorTypes.put(c.name(), new ConcurrentHashMap<>());
        });
        try {
            for (int round = 0; round < this.settings.rounds(); round++) {
                SqlScenarios.progress("recovery restart " + (round + 1));
                Map<Client, Probe> probes = new LinkedHashMap<>();
                List<Disposable> loops = new ArrayList<>();
                for (Client c : clients) {
                    Probe probe = new Probe();
                    probes.put(c, probe);
                    loops.add(loop(c, probe));
                }
                sleep(Duration.ofSeconds(1));
                probes.values().forEach(p -> {
                    p.errors.set(0);
                    p.errorTypes.clear();
                });
                server.stop();
                sleep(DOWN);
                server.start();
                long ready = System.nanoTime();
                probes.values().forEach(p -> p.readyAt = ready);
                long giveUp = ready + GIVE_UP.toNanos();
                while (System.nanoTime() < giveUp && !probes.values().stream().allMatch(Probe::recovered)) {
                    sleep(Duration.ofMillis(20));
                }
                // let the callers that are still failing finish their current attempts
                sleep(Duration.ofMillis(500));
                loops.forEach(Disposable::dispose);
                probes.forEach((c, p) -> {
                    recoveries.get(c.name()).add(p.recovered() ? (p.firstSuccessAfterReady.get() - ready) / 1e6 : Double.NaN);
                    errors.get(c.name()).add(p.errors.get());
                    p.errorTypes.forEach((type, n) -> errorTypes.get(c.name()).merge(type, n, Long::sum));
                });
                sleep(Duration.ofMillis(500));
            }
        } finally {
            for (Client c : clients) {
                try {
                    c.resource().close();
                } catch (Exception e) {
                    System.err.println("Could not close " + c.name() + ": " + e);
                }
            }
        }
        MarkdownTable table = new MarkdownTable("contender", "#recovery ms (median)", "#vs r2dbc-pool", "#caller errors per restart (median)",
                "#errors, all restarts", "recovery ms min / median / max (rounds)", "errors seen");
        double baseline = medianOrNaN(recoveries.get(SqlScenarios.BASELINE));
        recoveries.forEach((name, values) -> {
            double median = medianOrNaN(values);
            long unrecovered = values.stream().filter(v -> Double.isNaN(v)).count();
            List<Double> recovered = values.stream().filter(v -> !Double.isNaN(v)).toList();
            table.row(name, unrecovered == values.size() ? "not within " + GIVE_UP.toSeconds() + " s" : figure(median),
                    MarkdownTable.ratio(median, baseline),
                    figure(new Rounds(errors.get(name).stream().map(Long::doubleValue).toList()).median()),
                    errors.get(name).stream().mapToLong(Long::longValue).sum(),
                    (recovered.isEmpty() ? "n/a" : MarkdownTable.noise(new Rounds(recovered)))
                            + (unrecovered > 0 ? ", " + unrecovered + " not recovered" : ""),
                    errorTypes.get(name).isEmpty() ? "none" : errorTypes.get(name).toString());
        });
        report.add(table.render());
    }

    private static double medianOrNaN(List<Double> values) {
        List<Double> recovered = values.stream().filter(v -> !Double.isNaN(v)).toList();
        return recovered.isEmpty() ? Double.NaN : new Rounds(recovered).median();
    }

    private static Disposable loop(Client client, Probe probe) {
        return Flux.range(0, CALLERS)
                .flatMap(caller -> Mono.defer(() -> client.query().apply(ClosedLoop.randomKey(1000)))
                        .timeout(QUERY_TIMEOUT)
                        .doOnSuccess(v -> probe.success())
                        .onErrorResume(e -> {
                            probe.error(e);
                            return Mono.empty();
                        })
                        .then(Mono.delay(THINK))
                        .repeat()
                        .then(), CALLERS)
                .subscribe();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

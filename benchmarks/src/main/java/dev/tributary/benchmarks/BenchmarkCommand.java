package dev.tributary.benchmarks;

import dev.tributary.benchmarks.micro.MicroBenchmarks;
import dev.tributary.benchmarks.report.Report;
import dev.tributary.benchmarks.rest.RestScenario;
import dev.tributary.benchmarks.sql.BenchDatabase;
import dev.tributary.benchmarks.sql.BulkLoadScenario;
import dev.tributary.benchmarks.sql.RecoveryScenario;
import dev.tributary.benchmarks.sql.SqlScenarios;
import dev.tributary.testkit.data.SharedData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tributary-benchmarks}: runs the scenarios of issue 7 against an embedded PostgreSQL on
 * 127.0.0.1 and prints one markdown table per scenario (also written to
 * {@code benchmarks/results/latest.md}). Figures, ratios and the noise of the rounds; no pass/fail.
 */
@Command(name = "tributary-benchmarks", mixinStandardHelpOptions = true,
        description = "Tributary side by side with raw r2dbc-pool, Spring DatabaseClient, Vert.x pg-client, pgjdbc + HikariCP, "
                + "pgbench and psql, on an embedded PostgreSQL on loopback.")
public final class BenchmarkCommand implements Callable<Integer> {

    /** The scenarios, in the order they run. */
    enum Scenario {
        POINT_SELECT("point-select"), STREAMING("streaming"), BULK_LOAD("bulk-load"), TRANSACTIONS("transactions"),
        RECOVERY("recovery"), REST("rest"), JMH("jmh");

        final String id;

        Scenario(String id) {
            this.id = id;
        }

        static Scenario of(String id) {
            for (Scenario s : values()) {
                if (s.id.equalsIgnoreCase(id) || s.name().equalsIgnoreCase(id)) {
                    return s;
                }
            }
            throw new CommandLine.TypeConversionException("unknown scenario '" + id + "'; one of point-select, streaming, bulk-load, "
                    + "transactions, recovery, rest, jmh");
        }
    }

    @Option(names = {"-s", "--scenarios"}, split = ",", paramLabel = "NAME",
            description = "Scenarios to run, comma-separated (default: all): point-select, streaming, bulk-load, transactions, "
                    + "recovery, rest, jmh.")
    List<String> scenarios;

    @Option(names = "--warmup", defaultValue = "1.5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Warm-up of each contender before its rounds (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-d", "--duration"}, defaultValue = "2s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "One round of a closed-loop or REST measurement (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-r", "--rounds"}, defaultValue = "3", description = "Rounds per contender; the median is quoted (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--pool-size", defaultValue = "16", description = "Connections of every client's pool (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--stream-rows", defaultValue = "1000000", description = "Rows of the streaming scenario (default: ${DEFAULT-VALUE}).")
    long streamRows;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,16,64",
            description = "Concurrency levels of the point selects (default: ${DEFAULT-VALUE}).")
    int[] concurrency;

    @Option(names = "--quick", description = "A smoke run of every scenario in about a minute: 0.3 s rounds, 1 round, 100,000 "
            + "streamed rows, JMH without fork. The figures are not meaningful.")
    boolean quick;

    @Option(names = {"-o", "--output"}, defaultValue = "benchmarks/results/latest.md", paramLabel = "FILE",
            description = "The markdown report (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--data", paramLabel = "DIR", description = "The shared data directory holding geonames-cities.csv and "
            + "geonames-cities.json (default: the system property tributary.shared.data, else ../shared/data beside the working "
            + "directory's repository).")
    Path data;

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkCommand()).execute(args));
    }

    @Override
    public Integer call() {
        Instant start = Instant.now();
        if (this.data != null) {
            System.setProperty("tributary.shared.data", this.data.toAbsolutePath().toString());
        } else if (System.getProperty("tributary.shared.data") == null) {
            System.setProperty("tributary.shared.data", Path.of("..", "shared", "data").toAbsolutePath().normalize().toString());
        }
        Set<Scenario> selected = EnumSet.noneOf(Scenario.class);
        if (this.scenarios == null || this.scenarios.isEmpty()) {
            selected.addAll(EnumSet.allOf(Scenario.class));
        } else {
            this.scenarios.forEach(s -> selected.add(Scenario.of(s.trim())));
        }
        RunSettings settings = this.quick
                ? new RunSettings(Duration.ofMillis(300), Duration.ofMillis(300), 1, this.poolSize, Math.min(this.streamRows, 100_000))
                : new RunSettings(this.warmup, this.duration, this.rounds, this.poolSize, this.streamRows);
        Path csv = SharedData.file("geonames-cities.csv");
        Path json = SharedData.file("geonames-cities.json");
        Report report = new Report(System.out, this.output);
        boolean needsDatabase = selected.stream().anyMatch(s -> s != Scenario.REST && s != Scenario.JMH);
        BenchDatabase db = needsDatabase ? BenchDatabase.start(settings.streamRows()) : null;
        try {
            report.add("# Tributary benchmarks\n\n" + machine(db) + "\n\nSettings: warm-up " + settings.warmup().toMillis() + " ms, rounds of "
                    + settings.duration().toMillis() + " ms, " + settings.rounds() + " rounds, pool size " + settings.poolSize()
                    + (this.quick ? " (`--quick`: smoke run, figures not meaningful)" : "") + ". Ratios are to raw r2dbc-postgresql over "
                    + "r2dbc-pool (higher is better for rates, lower for times), unless a table says otherwise. No pass/fail: figures "
                    + "depend on the machine and on what else runs on it.");
            SqlScenarios sql = db == null ? null : new SqlScenarios(db, settings);
            if (selected.contains(Scenario.POINT_SELECT)) {
                sql.pointSelect(report, this.concurrency);
            }
            if (selected.contains(Scenario.STREAMING)) {
                sql.streaming(report);
            }
            if (selected.contains(Scenario.BULK_LOAD)) {
                new BulkLoadScenario(db, settings, csv).run(report);
            }
            if (selected.contains(Scenario.TRANSACTIONS)) {
                sql.transactions(report, 16);
            }
            if (selected.contains(Scenario.RECOVERY)) {
                new RecoveryScenario(db, settings).run(report);
            }
            if (selected.contains(Scenario.REST)) {
                new RestScenario(settings, json).run(report);
            }
            if (selected.contains(Scenario.JMH)) {
                new MicroBenchmarks(this.quick).run(report);
            }
            report.add("Total run time: " + Duration.between(start, Instant.now()).truncatedTo(ChronoUnit.SECONDS).toString()
                    .substring(2).toLowerCase(Locale.ROOT) + "; load average at the end " + String.format(Locale.ROOT, "%.2f",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()) + ".");
            return 0;
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    static String machine(BenchDatabase db) {
        Runtime rt = Runtime.getRuntime();
        var os = ManagementFactory.getOperatingSystemMXBean();
        return "Machine: " + rt.availableProcessors() + " cores (" + System.getProperty("os.arch") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + "), load average " + String.format(Locale.ROOT, "%.2f", os.getSystemLoadAverage())
                + " at start; JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", max heap "
                + rt.maxMemory() / (1024 * 1024) + " MiB; " + (db == null ? "no database" : db.version() + " (embedded, zonky binaries, on 127.0.0.1)")
                + "; run at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ".";
    }

    /** Reads {@code 1.5s}, {@code 300ms}, {@code 2m} or an ISO-8601 duration. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("p")) {
                    return Duration.parse(value.trim());
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
                }
                throw new IllegalArgumentException("no unit");
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 300ms, 1.5s, 2m, PT2S)");
            }
        }
    }
}

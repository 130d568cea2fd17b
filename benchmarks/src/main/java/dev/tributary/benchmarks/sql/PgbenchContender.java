package dev.tributary.benchmarks.sql;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * PostgreSQL's own load generator, the limit: {@code pgbench -M prepared} with the script of
 * {@code -S} (one primary-key select) on the benchmark's table, or the transfer transaction as a
 * script; one connection per client (pgbench has no pool). Throughput is pgbench's {@code tps};
 * latencies come from its per-transaction log ({@code -l}). Durations are whole seconds (at least 1).
 */
final class PgbenchContender extends Contender {

    static final String EXECUTABLE = "pgbench";

    private final Path pgbench;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final Path work;

    PgbenchContender(String name, Path pgbench, String host, int port, String database, String user) {
        super(name);
        this.pgbench = pgbench;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        try {
            this.work = Files.createTempDirectory("tributary-pgbench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    boolean streams() {
        return false;
    }

    @Override
    long stream(long rows, RowConsumer consumer) {
        throw new UnsupportedOperationException("pgbench does not stream rows into the JVM");
    }

    static String script(Workload workload, long keys) {
        return switch (workload) {
            case POINT_SELECT -> "\\set id random(1, " + keys + ")\n"
                    + "SELECT " + Item.COLUMNS + " FROM items WHERE id = :id;\n";
            case TRANSFER -> "\\set id random(1, " + Workload.ACCOUNTS + ")\n"
                    + "BEGIN;\n"
                    + "SELECT balance FROM accounts WHERE id = :id FOR UPDATE \\gset\n"
                    + "UPDATE accounts SET balance = :balance + 1 WHERE id = :id;\n"
                    + "INSERT INTO transfers (account_id, amount) VALUES (:id, 1);\n"
                    + "END;\n";
        };
    }

    @Override
    LoopResult closedLoop(Workload workload, long keys, int concurrency, Duration duration) {
        try {
            Path round = Files.createTempDirectory(this.work, "round-");
            Path script = round.resolve(workload.name().toLowerCase() + ".sql");
            Files.writeString(script, script(workload, keys), StandardCharsets.UTF_8);
            long seconds = Math.max(1, Math.round(duration.toMillis() / 1000.0));
            List<String> command = List.of(this.pgbench.toString(), "-n", "-M", "prepared", "-c", String.valueOf(concurrency),
                    "-j", String.valueOf(Math.min(concurrency, Runtime.getRuntime().availableProcessors())), "-T", String.valueOf(seconds),
                    "-f", script.toString(), "-l", "--log-prefix", round.resolve("log").toString(),
                    "-h", this.host, "-p", String.valueOf(this.port), "-U", this.user, this.database);
            Process process = new ProcessBuilder(command).directory(round.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(seconds + 60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("pgbench failed: " + output);
            }
            Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
            Matcher failed = Pattern.compile("number of failed transactions: (\\d+)").matcher(output);
            if (!tps.find()) {
                throw new IllegalStateException("pgbench printed no tps: " + output);
            }
            Histogram latency = new Histogram(3);
            List<Path> logs = new ArrayList<>();
            try (Stream<Path> files = Files.list(round)) {
                files.filter(f -> f.getFileName().toString().startsWith("log")).forEach(logs::add);
            }
            for (Path log : logs) {
                try (Stream<String> lines = Files.lines(log)) {
                    // client_id transaction_no time script_no time_epoch time_us: time is the latency in microseconds
                    lines.forEach(line -> latency.recordValue(Long.parseLong(line.split(" ")[2])));
                }
            }
            long ops = latency.getTotalCount();
            double rate = Double.parseDouble(tps.group(1));
            long elapsed = rate > 0 ? (long) (ops / rate * 1e9) : seconds * 1_000_000_000L;
            return new LoopResult(ops, failed.find() ? Long.parseLong(failed.group(1)) : 0, elapsed, latency);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        dev.tributary.testkit.local.LocalResources.deleteTree(this.work);
    }
}

package dev.tributary.benchmarks.micro;

import dev.tributary.benchmarks.report.MarkdownTable;
import dev.tributary.benchmarks.report.Report;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the JMH micro-benchmarks ({@code RowMappingBenchmark}, {@code StatementBenchmark}) through
 * JMH's {@link Runner}, in a forked JVM each (JMH's default isolation; the fork uses this JVM's
 * class path, the shaded jar), and adds their table.
 */
public final class MicroBenchmarks {

    private final boolean quick;

    /**
     * @param quick one short fork-less iteration per benchmark instead of a forked JVM with
     *              3 x 1 s warm-up and 5 x 1 s measurement
     */
    public MicroBenchmarks(boolean quick) {
        this.quick = quick;
    }

    /**
     * @param report where the table goes
     */
    public void run(Report report) {
        OptionsBuilder options = new OptionsBuilder();
        options.include("dev\\.tributary\\.r2dbc\\.(RowMapping|Statement)Benchmark\\.")
                .shouldFailOnError(true);
        if (this.quick) {
            options.forks(0).warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(300));
        } else {
            options.forks(1).jvmArgs("-Xmx512m").warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        Options built = options.build();
        Collection<RunResult> results;
        try {
            // JMH's progress goes to stderr with the harness's: stdout carries only the tables
            results = new Runner(built, OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed", e);
        }
        Map<String, RunResult> byName = new TreeMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            byName.put(label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1), r);
        }
        report.add("## 7. Micro-benchmarks (JMH)\n\n"
                + (this.quick ? "Quick mode: no fork, one 200 ms warm-up and one 300 ms measurement iteration (indicative only). "
                : "One forked JVM per benchmark, 3 x 1 s warm-up and 5 x 1 s measurement iterations. ")
                + "Average time per operation in ns, with JMH's 99.9 % confidence half-width. Row mapping on an in-memory row of the "
                + "six `items` columns (name lookup as in r2dbc-postgresql); a statement of three parameters.");
        MarkdownTable table = new MarkdownTable("benchmark", "#ns/op", "#± ns/op", "#vs reference", "reference");
        double handWritten = score(byName, "RowMappingBenchmark.handWrittenByName");
        double driver = score(byName, "StatementBenchmark.driverEncodeThreeValues");
        List<String> order = new ArrayList<>(byName.keySet());
        for (String name : order) {
            RunResult r = byName.get(name);
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            boolean mapping = name.startsWith("RowMapping");
            table.row(name, MarkdownTable.figure(score), Double.isNaN(error) ? "n/a" : MarkdownTable.figure(error),
                    MarkdownTable.ratio(score, mapping ? handWritten : driver),
                    mapping ? "handWrittenByName" : "driverEncodeThreeValues");
        }
        report.add(table.render());
    }

    private static double score(Map<String, RunResult> results, String name) {
        RunResult r = results.get(name);
        return r == null ? Double.NaN : r.getPrimaryResult().getScore();
    }
}

package dev.tributary.examples.cli;

import dev.tributary.examples.demo.DemoDataSet;
import dev.tributary.examples.demo.DemoJob;
import dev.tributary.sql.SqlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tributary demo}: the {@link DemoJob} on the target database. */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Loads real data sets and streams answers to five questions as tables.",
        description = {
                "Loads four real data sets (OurAirports' airports, countries and regions; the world-countries "
                        + "table with names in 25 scripts), checks their row counts, asks them five questions, and "
                        + "prints each answer as an aligned table with the time each step took; then streams 2,000 issues from a local "
                        + "Bitbucket emulator into PostgreSQL (tributary bitbucket sync-issues) and counts them per state and kind.",
                "",
                "With " + TargetDatabase.URL_VARIABLE + " set, runs on that database: its tables airports, countries, "
                        + "regions, world_countries and bitbucket_issues are DROPPED and reloaded at each run, so the demo can be re-run.",
                "Without it, runs on an embedded PostgreSQL started for the run and deleted afterwards.",
                "",
                "With " + DemoCommand.CLICKHOUSE_URL_VARIABLE + " set (r2dbc:clickhouse://... or r2dbc:bytehouse://...), "
                        + "also loads the 171,075 GeoNames cities into that ClickHouse and into PostgreSQL (table cities, "
                        + "DROPPED and reloaded in both), runs one aggregate on both and prints the two answers side by side; "
                        + "the demo fails if they differ."})
final class DemoCommand implements Callable<Integer> {

    /** The environment variable holding the R2DBC URL of a ClickHouse for the demo's ClickHouse step. */
    static final String CLICKHOUSE_URL_VARIABLE = "TRIBUTARY_CLICKHOUSE_URL";

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = this.spec.commandLine().getOut();
        out.println("Tributary demo: " + DemoDataSet.values().length + " real data sets, streamed from the database.");
        try (TargetDatabase db = TargetDatabase.open(this.tributary.environment())) {
            out.println("Database: " + db.description()
                    + (db.isEmbedded() ? " (no " + TargetDatabase.URL_VARIABLE + " set)" : " (from " + TargetDatabase.URL_VARIABLE + ")"));
            if (db.isEmbedded()) {
                out.printf(Locale.ROOT, "Embedded PostgreSQL started in %,d ms%n", db.startup().toMillis());
            }
            String clickhouseUrl = this.tributary.environment().get(CLICKHOUSE_URL_VARIABLE);
            if (clickhouseUrl == null || clickhouseUrl.isBlank()) {
                new DemoJob(db.client(), out, db.isEmbedded() ? db::restartEmbedded : null).run();
            } else {
                out.println("ClickHouse: " + TargetDatabase.describe(clickhouseUrl) + " (from " + CLICKHOUSE_URL_VARIABLE + ")");
                SqlClient clickhouse = TargetDatabase.connect(clickhouseUrl);
                try {
                    new DemoJob(db.client(), out, db.isEmbedded() ? db::restartEmbedded : null, clickhouse).run();
                } finally {
                    clickhouse.close().block(CLOSE_TIMEOUT);
                }
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return "DemoCommand{}";
    }
}

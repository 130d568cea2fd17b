package dev.tributary.examples.cli;

import dev.tributary.examples.output.OutputFormat;
import dev.tributary.examples.output.RowValues;
import dev.tributary.examples.output.RowWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code tributary query <sql>}: streams a query's rows to stdout as a table, CSV or JSON. */
@Command(name = "query",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Runs a SQL query and streams its rows as a table, CSV or JSON.",
        description = {
                "Runs a SQL query and streams its rows to stdout as an aligned table, CSV or JSON. "
                        + "CSV and JSON are written as rows arrive; a table is printed when the last row is in.",
                "",
                "Without " + TargetDatabase.URL_VARIABLE + ", runs on a one-off embedded PostgreSQL loaded with the "
                        + "demo data sets (tables airports, countries, regions, world_countries), for example:",
                "",
                "  tributary query \"SELECT count(*) FROM airports\""})
final class QueryCommand implements Callable<Integer> {

    /** Rows requested from the database at a time while writing. */
    private static final int PREFETCH = 256;

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query, one SQL statement.")
    private String sql;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    private OutputFormat output;

    @Option(names = "--max-rows", paramLabel = "N",
            description = "Stop after N rows: the query is cancelled on the server.")
    private Integer maxRows;

    @Override
    public Integer call() throws IOException {
        if (this.maxRows != null && this.maxRows < 1) {
            throw new ParameterException(this.spec.commandLine(), "--max-rows must be at least 1, was " + this.maxRows);
        }
        PrintWriter out = this.spec.commandLine().getOut();
        try (TargetDatabase db = TargetDatabase.openWithDemoData(this.tributary.environment())) {
            if (db.isEmbedded()) {
                this.spec.commandLine().getErr().println("tributary: no " + TargetDatabase.URL_VARIABLE
                        + " set: querying " + db.description() + ", loaded with the demo data sets");
            }
            Flux<Map<String, Object>> rows = db.client().sql(this.sql).map(RowValues::read).all();
            if (this.maxRows != null) {
                rows = rows.take(this.maxRows);
            }
            RowWriter writer = RowWriter.create(this.output, out);
            // Rows are consumed on this (main) thread, PREFETCH at a time: backpressure all the way
            // to the database. Closing the stream cancels the query if writing fails.
            try (Stream<Map<String, Object>> stream = rows.toStream(PREFETCH)) {
                Iterator<Map<String, Object>> it = stream.iterator();
                while (it.hasNext()) {
                    writer.write(it.next());
                }
            }
            writer.close(); // only after the last row: a failed query prints no half table
        }
        return 0;
    }

    @Override
    public String toString() {
        return "QueryCommand{" + this.output + '}';
    }
}

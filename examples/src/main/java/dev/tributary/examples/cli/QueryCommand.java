package dev.tributary.examples.cli;

import dev.tributary.examples.output.OutputFormat;
import dev.tributary.examples.output.RowValues;
import dev.tributary.examples.output.RowWriter;
import dev.tributary.http.platform.DatabaseName;
import dev.tributary.http.platform.PlatformClient;
import dev.tributary.http.platform.QueryColumn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code tributary query <sql>}: streams a query's rows to stdout as a table, CSV or JSON, over
 * R2DBC or, with {@code -d <user>/<db>}, through the platform's HTTP query endpoint.
 */
@Command(name = "query",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Runs a SQL query and streams its rows as a table, CSV or JSON.",
        description = {
                "Runs a SQL query and streams its rows to stdout as an aligned table, CSV or JSON. "
                        + "CSV and JSON are written as rows arrive; a table is printed when the last row is in.",
                "",
                TargetDatabase.URL_VARIABLE + " names the database: r2dbc:postgresql://..., r2dbc:clickhouse://user@host:8123/db "
                        + "or r2dbc:bytehouse://... (SQL in that database's dialect).",
                "",
                "Without " + TargetDatabase.URL_VARIABLE + ", runs on a one-off embedded PostgreSQL loaded with the "
                        + "demo data sets (tables airports, countries, regions, world_countries), for example:",
                "",
                "  tributary query \"SELECT count(*) FROM airports\"",
                "",
                "With -d <user>/<db>, runs on that platform database through its HTTP API (POST /query) and writes "
                        + "JSON unless -o says otherwise:",
                "",
                "  tributary query -d demo/atlas \"SELECT cca2, \\\"name.common\\\" FROM countries LIMIT 3\""})
final class QueryCommand implements Callable<Integer> {

    /** Rows requested from the database at a time while writing. */
    private static final int PREFETCH = 256;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @Mixin
    private PlatformOptions platform;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query, one SQL statement.")
    private String sql;

    @Option(names = {"-d", "--database"}, paramLabel = "USER/DB",
            description = "Run on this platform database (<user>/<db>) through its HTTP API, instead of over R2DBC.")
    private String database;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "table, csv or json (default: table; json with -d).")
    private OutputFormat output;

    @Option(names = "--max-rows", paramLabel = "N",
            description = "Stop after N rows: the query is cancelled on the server.")
    private Integer maxRows;

    @Override
    public Integer call() throws IOException {
        if (this.maxRows != null && this.maxRows < 1) {
            throw new ParameterException(this.spec.commandLine(), "--max-rows must be at least 1, was " + this.maxRows);
        }
        this.platform.checkTarget(this.database, this.tributary.environment());
        if (this.database != null) {
            queryPlatform();
        } else {
            queryOverR2dbc();
        }
        return 0;
    }

    private void queryOverR2dbc() throws IOException {
        try (TargetDatabase db = TargetDatabase.openWithDemoData(this.tributary.environment())) {
            if (db.isEmbedded()) {
                this.spec.commandLine().getErr().println("tributary: no " + TargetDatabase.URL_VARIABLE
                        + " set: querying " + db.description() + ", loaded with the demo data sets");
            }
            write(db.client().sql(this.sql).map(RowValues::read).all(), this.output == null ? OutputFormat.TABLE : this.output);
        }
    }

    private void queryPlatform() throws IOException {
        String db;
        try {
            db = DatabaseName.parse(this.database).toString();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(this.spec.commandLine(), "-d: " + e.getMessage());
        }
        if (this.sql.isBlank()) {
            throw new ParameterException(this.spec.commandLine(), "The SQL statement is blank");
        }
        PlatformClient client = this.platform.connect(this.tributary.environment(), this.tributary.redaction());
        try {
            // The columns come first (the answer's metadata), then the rows as arrays, decoded as they arrive.
            Flux<Map<String, Object>> rows = client.query(db, this.sql).execute((columns, values) -> {
                List<String> names = new ArrayList<>(columns.size());
                for (QueryColumn column : columns) {
                    names.add(column.name());
                }
                return values.map(row -> RowValues.of(names, row));
            });
            write(rows, this.output == null ? OutputFormat.JSON : this.output);
        } finally {
            client.closeLater().block(CLOSE_TIMEOUT);
        }
    }

    private void write(Flux<Map<String, Object>> rows, OutputFormat format) throws IOException {
        if (this.maxRows != null) {
            rows = rows.take(this.maxRows);
        }
        PrintWriter out = this.spec.commandLine().getOut();
        RowWriter writer = RowWriter.create(format, out);
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

    @Override
    public String toString() {
        return "QueryCommand{" + this.output + '}';
    }
}

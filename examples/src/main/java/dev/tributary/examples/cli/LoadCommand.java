package dev.tributary.examples.cli;

import dev.tributary.examples.output.TextTable;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.sql.load.LoadedColumn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tributary load <file> --table T}: bulk-loads a CSV or JSON file into a table. */
@Command(name = "load",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Bulk-loads a CSV, JSON or NDJSON file into a table.",
        description = {
                "Bulk-loads a CSV, JSON (an array of objects) or NDJSON file into a table: on PostgreSQL in one transaction "
                        + "(COPY); on ClickHouse and ByteHouse (" + TargetDatabase.URL_VARIABLE + "=r2dbc:clickhouse://... or "
                        + "r2dbc:bytehouse://...) as one streamed INSERT, without a transaction (a failed load drops a table "
                        + "it created; rows already sent into an existing table stay). A missing table is created with the column types inferred from the data; "
                        + "an existing one is appended to. Prints the rows loaded, the columns and their types, "
                        + "and the time taken.",
                "",
                "Without " + TargetDatabase.URL_VARIABLE + ", loads into a one-off embedded PostgreSQL that is deleted "
                        + "when the command ends: a way to see how a file's columns would be typed."})
final class LoadCommand implements Callable<Integer> {

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to load.")
    private Path file;

    @Option(names = {"-t", "--table"}, required = true, paramLabel = "TABLE", description = "The table to load into.")
    private String table;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "csv, json or ndjson (default: from the file's extension: .csv, .json, .ndjson, .jsonl).")
    private DataFormat format;

    @Option(names = "--header", paramLabel = "MODE", defaultValue = "auto",
            description = "For CSV: whether the first row names the columns: auto, first_row or no_header"
                    + " (default: ${DEFAULT-VALUE}).")
    private HeaderMode header;

    @Override
    public Integer call() {
        DataFormat dataFormat = this.format;
        if (dataFormat == null) {
            try {
                dataFormat = DataFormat.fromFileName(this.file.toString());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(this.spec.commandLine(), e.getMessage() + " with --format");
            }
        }
        if (!Files.isRegularFile(this.file) || !Files.isReadable(this.file)) {
            throw new UncheckedIOException("Cannot read the file " + this.file, new NoSuchFileException(this.file.toString()));
        }
        LoadRequest request = LoadRequest.into(this.table)
                .source(LoadSource.of(this.file))
                .format(dataFormat)
                .header(this.header)
                .build();
        PrintWriter out = this.spec.commandLine().getOut();
        try (TargetDatabase db = TargetDatabase.open(this.tributary.environment())) {
            if (db.isEmbedded()) {
                this.spec.commandLine().getErr().println("tributary: no " + TargetDatabase.URL_VARIABLE
                        + " set: loading into " + db.description() + ", deleted when the command ends");
            }
            LoadResult result = db.client().load(request).block();
            out.printf(Locale.ROOT, "Loaded %,d rows from %s into %s (%s) in %,d ms%n", result.rows(),
                    this.file.getFileName(), result.table(), result.tableCreated() ? "table created" : "existing table",
                    result.elapsed().toMillis());
            TextTable columns = TextTable.withColumns(List.of("column", "type"));
            for (LoadedColumn column : result.columns()) {
                columns.addRow(List.of(column.name(), column.sqlType()));
            }
            columns.render(out);
            out.flush();
        }
        return 0;
    }

    @Override
    public String toString() {
        return "LoadCommand{" + this.table + '}';
    }
}

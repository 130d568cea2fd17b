package dev.tributary.examples.cli;

import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.ExportRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code tributary export --table T | --query Q --format F}: streams a table or a query as CSV, JSON or NDJSON. */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Exports a table or a query as CSV, JSON or NDJSON.",
        description = {
                "Exports a table or a query as CSV (with a header line), a JSON array or NDJSON, streamed "
                        + "from the database to stdout or a file as fast as it can be written.",
                "",
                "Without " + TargetDatabase.URL_VARIABLE + ", exports from a one-off embedded PostgreSQL loaded with "
                        + "the demo data sets (tables airports, countries, regions, world_countries), for example:",
                "",
                "  tributary export --table countries --format ndjson"})
final class ExportCommand implements Callable<Integer> {

    /** Buffers requested from the exporter at a time when writing to stdout. */
    private static final int PREFETCH = 4;

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private What what;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "csv",
            description = "csv, json or ndjson (default: ${DEFAULT-VALUE}).")
    private DataFormat format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to this file (created or replaced) instead of stdout.")
    private Path out;

    /** A table or a query, not both. */
    static final class What {

        @Option(names = {"-t", "--table"}, required = true, paramLabel = "TABLE",
                description = "The table to export (optionally schema.table).")
        String table;

        @Option(names = {"-q", "--query"}, required = true, paramLabel = "SQL", description = "The query to export.")
        String query;
    }

    @Override
    public Integer call() throws IOException {
        ExportRequest request = (this.what.table != null ? ExportRequest.table(this.what.table)
                : ExportRequest.query(this.what.query)).format(this.format);
        try (TargetDatabase db = TargetDatabase.openWithDemoData(this.tributary.environment())) {
            if (db.isEmbedded()) {
                this.spec.commandLine().getErr().println("tributary: no " + TargetDatabase.URL_VARIABLE
                        + " set: exporting from " + db.description() + ", loaded with the demo data sets");
            }
            Flux<ByteBuffer> bytes = db.client().export(request);
            if (this.out == null) {
                writeToStdout(bytes);
            } else {
                long start = System.nanoTime();
                Long written = FileExport.write(bytes, this.out).block();
                PrintWriter text = this.spec.commandLine().getOut();
                text.printf(Locale.ROOT, "Exported %s as %s to %s: %,d bytes in %,d ms%n",
                        this.what.table != null ? "table " + this.what.table : "the query",
                        this.format.name().toLowerCase(Locale.ROOT), this.out, written == null ? 0L : written,
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
        return 0;
    }

    /** Blocking writes on this (main) thread, a few buffers at a time. */
    private void writeToStdout(Flux<ByteBuffer> bytes) throws IOException {
        this.spec.commandLine().getOut().flush();
        OutputStream stdout = this.tributary.stdout();
        byte[] chunk = new byte[64 * 1024];
        try (Stream<ByteBuffer> buffers = bytes.toStream(PREFETCH)) {
            Iterator<ByteBuffer> it = buffers.iterator();
            while (it.hasNext()) {
                ByteBuffer buffer = it.next();
                while (buffer.hasRemaining()) {
                    int n = Math.min(chunk.length, buffer.remaining());
                    buffer.get(chunk, 0, n);
                    stdout.write(chunk, 0, n);
                }
            }
        }
        stdout.flush();
    }

    @Override
    public String toString() {
        return "ExportCommand{" + this.format + '}';
    }
}

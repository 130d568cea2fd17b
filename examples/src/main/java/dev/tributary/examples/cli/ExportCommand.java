package dev.tributary.examples.cli;

import dev.tributary.http.platform.CreateExport;
import dev.tributary.http.platform.DatabaseName;
import dev.tributary.http.platform.ExportJob;
import dev.tributary.http.platform.JobState;
import dev.tributary.http.platform.PlatformClient;
import dev.tributary.sql.load.ExportRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code tributary export --table T | --query Q --format F}: streams a table or a query as CSV,
 * JSON or NDJSON over R2DBC; with {@code -d <user>/<db>}, runs an export job on the platform and
 * downloads its file.
 */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Exports a table or a query as CSV, JSON or NDJSON; with -d, from a platform database.",
        description = {
                "Exports a table or a query as CSV (with a header line), a JSON array or NDJSON, streamed "
                        + "from the database to stdout or a file as fast as it can be written.",
                "",
                "Without " + TargetDatabase.URL_VARIABLE + ", exports from a one-off embedded PostgreSQL loaded with "
                        + "the demo data sets (tables airports, countries, regions, world_countries), for example:",
                "",
                "  tributary export --table countries --format ndjson",
                "",
                "With -d <user>/<db>, runs an export job on the platform instead (csv, json, xls or parquet) and "
                        + "downloads its file to -o FILE: stderr shows the job's state and the time taken (a progress "
                        + "bar on a terminal, else one line per state), stdout the job as it ended, as JSON. A job that "
                        + "FAILED exits with 1 and the service's error id and type on stderr.",
                "",
                "  tributary export -d demo/atlas --table countries --format parquet -o countries.parquet"})
final class ExportCommand implements Callable<Integer> {

    /** Buffers requested from the exporter at a time when writing to stdout. */
    private static final int PREFETCH = 4;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @Mixin
    private PlatformOptions platform;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private What what;

    @Option(names = {"-d", "--database"}, paramLabel = "USER/DB",
            description = "Export from this platform database (<user>/<db>) with an export job, instead of over R2DBC.")
    private String database;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "csv",
            description = "csv, json or ndjson; with -d csv, json, xls or parquet (default: ${DEFAULT-VALUE}).")
    private ExportFileFormat format;

    @Option(names = "--schema", paramLabel = "SCHEMA", description = "With -d and --table: the table's schema.")
    private String schema;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "Write to this file (created or replaced) instead of stdout; required with -d.")
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
        this.platform.checkTarget(this.database, this.tributary.environment());
        return this.database != null ? exportFromPlatform() : exportOverR2dbc();
    }

    private Integer exportOverR2dbc() throws IOException {
        if (this.format.r2dbc() == null) {
            throw new ParameterException(this.spec.commandLine(), "--format " + this.format.label()
                    + " is written by the platform's export jobs only (with -d); over R2DBC: csv, json or ndjson");
        }
        if (this.schema != null) {
            throw new ParameterException(this.spec.commandLine(), "--schema goes with -d; over R2DBC, name the table as schema.table");
        }
        ExportRequest request = (this.what.table != null ? ExportRequest.table(this.what.table)
                : ExportRequest.query(this.what.query)).format(this.format.r2dbc());
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
                        this.format.label(), this.out, written == null ? 0L : written,
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
        return 0;
    }

    private Integer exportFromPlatform() throws IOException {
        String db;
        try {
            db = DatabaseName.parse(this.database).toString();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(this.spec.commandLine(), "-d: " + e.getMessage());
        }
        if (this.format.platform() == null) {
            throw new ParameterException(this.spec.commandLine(), "--format " + this.format.label()
                    + " is written over R2DBC only (without -d); the platform writes csv, json, xls or parquet");
        }
        if (this.out == null) {
            throw new ParameterException(this.spec.commandLine(), "With -d, give the file to download to: -o FILE"
                    + " (stdout shows the job)");
        }
        CreateExport request;
        try {
            request = this.what.table != null ? CreateExport.table(this.what.table, this.format.platform())
                    : CreateExport.query(this.what.query, this.format.platform());
            if (this.schema != null) {
                request = request.withSchema(this.schema);
            }
            Path fileName = this.out.getFileName();
            if (fileName != null) {
                request = request.withFileName(fileName.toString());
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(this.spec.commandLine(), e.getMessage());
        }
        String task = "export " + (this.what.table != null ? "table " + this.what.table : "query") + " from " + db;
        PlatformClient client = this.platform.connect(this.tributary.environment(), this.tributary.redaction());
        try (JobProgress progress = JobProgress.start(this.tributary, task, this.spec.commandLine().getErr())) {
            ExportJob created = client.exports().create(db, request).block();
            // on FAILED, the job (with the service's error id and type) goes to stdout before the error
            ExportJob job = progress.follow(client.exports().progress(created), created, status -> status.state().name(),
                    last -> {
                        if (last.state() == JobState.FAILED) {
                            writeJob(last);
                        }
                    });
            progress.state("downloading to " + this.out);
            Long bytes = client.exports().downloadTo(job, this.out).block();
            progress.state(String.format(Locale.ROOT, "downloaded %,d bytes", bytes == null ? 0L : bytes));
            progress.complete();
            progress.close();
            writeJob(job);
        } finally {
            client.closeLater().block(CLOSE_TIMEOUT);
        }
        return 0;
    }

    private void writeJob(ExportJob job) {
        try {
            PlatformJson.write(job, this.spec.commandLine().getOut());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the job to stdout", e);
        }
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

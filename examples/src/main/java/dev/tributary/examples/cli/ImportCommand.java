package dev.tributary.examples.cli;

import dev.tributary.http.platform.CreateImport;
import dev.tributary.http.platform.DatabaseName;
import dev.tributary.http.platform.ImportJob;
import dev.tributary.http.platform.JobState;
import dev.tributary.http.platform.PlatformClient;
import dev.tributary.sql.load.HeaderMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code tributary import <file|url> -d <user>/<db> --table T}: an import job on the platform,
 * followed to its end with a progress display on stderr; the final job as JSON on stdout.
 */
@Command(name = "import",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Imports a file or a URL into a table of a platform database (an import job).",
        description = {
                "Starts an import job on the platform: a local file is uploaded (streamed, not read into memory); a "
                        + "URL (http:// or https://) is fetched by the service itself. The table is created when "
                        + "missing. CSV and JSON are read; the service may read more (XLS/XLSX, SQLite).",
                "",
                "While the job runs, stderr shows its state and the time taken (a progress bar on a terminal, else "
                        + "one line per state). The job as it ended is printed as JSON on stdout. A job that FAILED "
                        + "exits with 1 and the service's error id, type and details (for bad input, the line) on stderr.",
                "",
                "  tributary import world-countries.csv -d demo/atlas --table countries"})
final class ImportCommand implements Callable<Integer> {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @Mixin
    private PlatformOptions platform;

    @Parameters(index = "0", paramLabel = "FILE|URL", description = "The file to upload, or an http(s) URL the service fetches.")
    private String source;

    @Option(names = {"-d", "--database"}, required = true, paramLabel = "USER/DB", description = "The database: <user>/<db>.")
    private String database;

    @Option(names = {"-t", "--table"}, required = true, paramLabel = "TABLE", description = "The table to load into.")
    private String table;

    @Option(names = "--schema", paramLabel = "SCHEMA", description = "The table's schema (default: the service's, public).")
    private String schema;

    @Option(names = "--header", paramLabel = "MODE", defaultValue = "auto",
            description = "Whether the first row names the columns: auto, first_row or no_header (default: ${DEFAULT-VALUE}).")
    private HeaderMode header;

    @Override
    public Integer call() throws IOException {
        String db = databaseName();
        PlatformClient client = this.platform.connect(this.tributary.environment(), this.tributary.redaction());
        try (JobProgress progress = JobProgress.start(this.tributary, "import " + describeSource() + " into " + db,
                this.spec.commandLine().getErr())) {
            ImportJob created = client.imports().create(db, request()).block();
            // on FAILED, the job (with the service's error id, type and details) goes to stdout before the error
            ImportJob job = progress.follow(client.imports().progress(created), created, status -> status.state().name(),
                    last -> {
                        if (last.state() == JobState.FAILED) {
                            writeJob(last);
                        }
                    });
            progress.complete();
            progress.close();
            writeJob(job);
        } finally {
            client.closeLater().block(CLOSE_TIMEOUT);
        }
        return 0;
    }

    private void writeJob(ImportJob job) {
        try {
            PlatformJson.write(job, this.spec.commandLine().getOut());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the job to stdout", e);
        }
    }

    private String databaseName() {
        try {
            return DatabaseName.parse(this.database).toString();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(this.spec.commandLine(), "-d: " + e.getMessage());
        }
    }

    private boolean isUrl() {
        return this.source.startsWith("http://") || this.source.startsWith("https://");
    }

    private CreateImport request() {
        CreateImport request;
        try {
            if (isUrl()) {
                request = CreateImport.url(new URI(this.source), this.table);
            } else {
                Path file = Path.of(this.source);
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new UncheckedIOException("Cannot read the file " + file, new NoSuchFileException(file.toString()));
                }
                request = CreateImport.file(file, this.table);
            }
            if (this.schema != null) {
                request = request.withSchema(this.schema);
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new ParameterException(this.spec.commandLine(), "Invalid " + (isUrl() ? "URL" : "argument") + ": "
                    + e.getMessage());
        }
        return request.withHeader(this.header);
    }

    /** The file name, or the URL without user information and query (either may hold a secret). */
    private String describeSource() {
        if (!isUrl()) {
            Path name = Path.of(this.source).getFileName();
            return name == null ? this.source : name.toString();
        }
        try {
            URI uri = new URI(this.source);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath();
        } catch (URISyntaxException invalid) {
            return "a URL"; // request() says what is wrong with it
        }
    }

    @Override
    public String toString() {
        return "ImportCommand{" + this.database + ", " + this.table + '}';
    }
}

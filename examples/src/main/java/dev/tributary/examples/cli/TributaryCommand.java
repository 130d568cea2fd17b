package dev.tributary.examples.cli;

import dev.tributary.http.platform.PlatformClient;
import io.r2dbc.spi.R2dbcException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import reactor.core.Exceptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code tributary} command-line program: {@code demo}, {@code query}, {@code load} and
 * {@code export} on the database {@code TRIBUTARY_URL} names, or on an embedded PostgreSQL; and
 * the data platform's commands ({@code db}, {@code query -d}, {@code import}, {@code export -d})
 * through its HTTP API with {@link PlatformClient}, and {@code emulator}, a local emulator of it.
 * <p>
 * Exit codes: 0 success; 1 failure, with a one-line error on stderr (never showing the URL, its
 * password or an API key); 2 usage error, with the usage on stderr. Output is UTF-8.
 *
 * <pre>{@code
 * int exitCode = TributaryCommand.commandLine(System.getenv(), System.out, System.err)
 *         .execute("query", "--output", "csv", "SELECT count(*) FROM airports");
 * }</pre>
 */
@Command(name = "tributary",
        mixinStandardHelpOptions = true,
        versionProvider = TributaryCommand.VersionProvider.class,
        usageHelpAutoWidth = true,
        subcommands = {DemoCommand.class, QueryCommand.class, LoadCommand.class, ExportCommand.class, SoakCommand.class,
                DbCommand.class, ImportCommand.class, EmulatorCommand.class, BitbucketCommand.class, CommandLine.HelpCommand.class},
        description = "Streams SQL with Tributary, a reactive client SDK over R2DBC: a demo on real data sets, "
                + "queries, bulk loads and exports; and the data platform's databases, queries, imports and exports "
                + "through its HTTP API (db, query -d, import, export -d), with a local emulator of it (emulator); "
                + "and Bitbucket Cloud as a source (bitbucket).",
        footerHeading = "%nEnvironment:%n",
        footer = {"  " + TargetDatabase.URL_VARIABLE + "  the database's R2DBC URL, for example",
                "    r2dbc:postgresql://user:password@db.example.com:5432/app",
                "    r2dbc:clickhouse://default@127.0.0.1:8123/default (or r2dbc:bytehouse://...)",
                "  It is never printed: output names only the driver, host and database.",
                "  Not set: each run starts an embedded PostgreSQL of its own (for query",
                "  and export loaded with the demo data sets first).",
                "  " + DemoCommand.CLICKHOUSE_URL_VARIABLE + "  a ClickHouse for the demo (never printed)",
                "  " + PlatformClient.API_KEY_VARIABLE + "  the platform's API key (or -k), never printed",
                "  " + PlatformOptions.BASE_URL_VARIABLE + "  the platform's API base URL (or --base-url; default",
                "    " + PlatformClient.DEFAULT_BASE_URL + ")"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (a one-line error on stderr)", "2:usage error"})
public final class TributaryCommand implements Callable<Integer> {

    private final Map<String, String> environment;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final boolean stderrIsTerminal;
    private final SecretRedaction redaction;

    @Spec
    private CommandSpec spec;

    private TributaryCommand(Map<String, String> environment, InputStream stdin, OutputStream stdout, OutputStream stderr,
                             boolean stderrIsTerminal, SecretRedaction redaction) {
        this.environment = Map.copyOf(environment);
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stderrIsTerminal = stderrIsTerminal;
        this.redaction = redaction;
    }

    /**
     * Runs the program and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Map<String, String> environment = System.getenv();
        PrintStream stderr = System.err;
        if (System.getProperty("picocli.trace") != null) {
            // picocli's tracer (created with the CommandLine class, below) and the log write to System.err;
            // the trace quotes the raw arguments, an --api-key value included: redact them
            System.setErr(RedactedStderr.over(stderr, environment, args));
        }
        System.exit(commandLine(environment, System.in, System.out, stderr, StderrTerminal.isTerminal(environment))
                .execute(args));
    }

    /**
     * A ready {@link CommandLine}: UTF-8 output on {@code stdout} and {@code stderr},
     * case-insensitive option values, failures reported in one line with exit code 1.
     *
     * @param environment the environment to read {@code TRIBUTARY_URL} from; not {@code null}
     * @param stdout      where results go (table, CSV, JSON, exported bytes); not {@code null}
     * @param stderr      where errors and notes go; not {@code null}
     * @return the command line; call {@link CommandLine#execute(String...)} to run a command
     */
    public static CommandLine commandLine(Map<String, String> environment, OutputStream stdout, OutputStream stderr) {
        return commandLine(environment, InputStream.nullInputStream(), stdout, stderr, false);
    }

    /**
     * {@link #commandLine(Map, OutputStream, OutputStream)} with a standard input (which
     * {@code emulator} watches: it stops when it closes) and whether stderr is a terminal (then
     * jobs show a progress bar there; otherwise one line per state change).
     */
    static CommandLine commandLine(Map<String, String> environment, InputStream stdin, OutputStream stdout, OutputStream stderr,
                                   boolean stderrIsTerminal) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        SecretRedaction redaction = SecretRedaction.of(environment);
        CommandLine commandLine = new CommandLine(new TributaryCommand(environment, stdin, stdout, stderr, stderrIsTerminal,
                redaction));
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> {
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + redaction.apply(oneLine(failure)));
            failed.getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        });
        // picocli's own handler, with secrets taken out of the message (an API key given to the wrong option)
        commandLine.setParameterExceptionHandler((invalid, args) -> {
            CommandLine failed = invalid.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(redaction.apply(invalid.getMessage()));
            if (!UnmatchedArgumentException.printSuggestions(invalid, err)) {
                failed.usage(err, failed.getColorScheme());
            }
            err.flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        return commandLine;
    }

    /** Without a command: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(this.spec.commandLine(),
                "Missing command: demo, query, load, export, db, import, emulator or bitbucket");
    }

    Map<String, String> environment() {
        return this.environment;
    }

    /** @return the standard input */
    InputStream stdin() {
        return this.stdin;
    }

    /** @return the raw standard error, for the progress bar */
    OutputStream stderr() {
        return this.stderr;
    }

    /** @return whether stderr is a terminal (a progress bar) or not (one line per job state) */
    boolean stderrIsTerminal() {
        return this.stderrIsTerminal;
    }

    /** @return what takes the secrets out of error messages; API keys in use are added to it */
    SecretRedaction redaction() {
        return this.redaction;
    }

    /** @return the raw standard output, for exported bytes */
    OutputStream stdout() {
        return this.stdout;
    }

    /**
     * @param failure what went wrong
     * @return one line: the message (with the SQLSTATE of database errors, or the error code of
     *         ClickHouse ones), without line breaks
     */
    static String oneLine(Throwable failure) {
        Throwable t = Exceptions.unwrap(failure);
        String message = t.getMessage() != null && !t.getMessage().isBlank() ? t.getMessage() : t.getClass().getSimpleName();
        if (t instanceof UncheckedIOException && t.getCause() != null && t.getCause().getMessage() != null
                && !message.contains(t.getCause().getMessage())) {
            message = message + ": " + t.getCause().getMessage();
        }
        if (t instanceof R2dbcException && ((R2dbcException) t).getSqlState() != null
                && !message.contains(((R2dbcException) t).getSqlState())) {
            message = message + " [SQLSTATE " + ((R2dbcException) t).getSqlState() + "]";
        } else if (t instanceof R2dbcException && ((R2dbcException) t).getSqlState() == null && ((R2dbcException) t).getErrorCode() != 0) {
            // ClickHouse and ByteHouse: no SQLSTATE, the server's error code ("Code: 60")
            message = message + " [code " + ((R2dbcException) t).getErrorCode() + "]";
        }
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    @Override
    public String toString() {
        return "TributaryCommand{}";
    }

    /** The version from the build, and the Java runtime. */
    static final class VersionProvider implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = TributaryCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {
                    "tributary " + properties.getProperty("version", "(unknown version)"),
                    "Java ${java.version} (${java.vendor}), ${os.name} ${os.arch}"};
        }
    }
}

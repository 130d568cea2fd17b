package dev.tributary.examples.cli;

import io.r2dbc.spi.R2dbcException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Exceptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code tributary} command-line program: {@code demo}, {@code query}, {@code load} and
 * {@code export} on the database {@code TRIBUTARY_URL} names, or on an embedded PostgreSQL.
 * <p>
 * Exit codes: 0 success; 1 failure, with a one-line error on stderr (never showing the URL or
 * its password); 2 usage error, with the usage on stderr. Output is UTF-8.
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
                CommandLine.HelpCommand.class},
        description = "Streams SQL with Tributary, a reactive client SDK over R2DBC: a demo on real data sets, "
                + "queries, bulk loads and exports.",
        footerHeading = "%nEnvironment:%n",
        footer = {"  " + TargetDatabase.URL_VARIABLE + "  the database's R2DBC URL, for example",
                "    r2dbc:postgresql://user:password@db.example.com:5432/app",
                "  It is never printed: output names only the driver, host and database.",
                "  Not set: each run starts an embedded PostgreSQL of its own (for query",
                "  and export loaded with the demo data sets first)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (a one-line error on stderr)", "2:usage error"})
public final class TributaryCommand implements Callable<Integer> {

    private final Map<String, String> environment;
    private final OutputStream stdout;

    @Spec
    private CommandSpec spec;

    private TributaryCommand(Map<String, String> environment, OutputStream stdout) {
        this.environment = Map.copyOf(environment);
        this.stdout = stdout;
    }

    /**
     * Runs the program and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), System.out, System.err).execute(args));
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
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        SecretRedaction redaction = SecretRedaction.of(environment);
        CommandLine commandLine = new CommandLine(new TributaryCommand(environment, stdout));
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> {
            failed.getErr().println("tributary " + failed.getCommandName() + ": " + redaction.apply(oneLine(failure)));
            failed.getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        });
        return commandLine;
    }

    /** Without a command: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(this.spec.commandLine(), "Missing command: demo, query, load or export");
    }

    Map<String, String> environment() {
        return this.environment;
    }

    /** @return the raw standard output, for exported bytes */
    OutputStream stdout() {
        return this.stdout;
    }

    /**
     * @param failure what went wrong
     * @return one line: the message (with the SQLSTATE of database errors), without line breaks
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

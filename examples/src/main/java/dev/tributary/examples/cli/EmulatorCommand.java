package dev.tributary.examples.cli;

import dev.tributary.emulator.platform.PlatformEmulator;
import dev.tributary.http.platform.PlatformClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code tributary emulator}: the platform emulator ({@link PlatformEmulator}) on an embedded
 * PostgreSQL, for local use, with one user and its API key printed; it runs until Ctrl-C or until
 * its standard input closes, then stops the database and deletes its data.
 */
@Command(name = "emulator",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Runs a local emulator of the data platform's API, for trying the platform commands.",
        description = {
                "Starts an emulator of the data platform's HTTP API (the bit.io v2beta API) on 127.0.0.1, over an "
                        + "embedded PostgreSQL, creates a user and prints the base URL, the user and an API key "
                        + "(and the PostgreSQL endpoint, where the key is the password): "
                        + "for local use only (plain HTTP, a key of this emulator only, data deleted when it stops).",
                "",
                "It runs until Ctrl-C, or until its standard input closes (Ctrl-D); with --ignore-stdin, until "
                        + "Ctrl-C or SIGTERM only (to run it in the background). Then it stops the database and "
                        + "deletes its data. In another terminal:",
                "",
                "  export " + PlatformOptions.BASE_URL_VARIABLE + "=<the base URL> " + PlatformClient.API_KEY_VARIABLE
                        + "=<the key>",
                "  tributary db create demo/atlas"})
final class EmulatorCommand implements Callable<Integer> {

    @ParentCommand
    private TributaryCommand tributary;

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "The HTTP port on 127.0.0.1 (default: a free one).")
    private int port;

    @Option(names = "--db-port", paramLabel = "N", defaultValue = "0",
            description = "The PostgreSQL endpoint's port on 127.0.0.1 (default: a free one).")
    private int dbPort;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "demo",
            description = "The user to create (default: ${DEFAULT-VALUE}); its databases are named NAME/<db>.")
    private String user;

    @Option(names = "--ignore-stdin", description = "Do not stop when standard input closes (run in the background).")
    private boolean ignoreStdin;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (this.port < 0 || this.port > 65535) {
            throw new ParameterException(this.spec.commandLine(), "--port must be 0..65535, was " + this.port);
        }
        if (this.dbPort < 0 || this.dbPort > 65535) {
            throw new ParameterException(this.spec.commandLine(), "--db-port must be 0..65535, was " + this.dbPort);
        }
        PrintWriter err = this.spec.commandLine().getErr();
        err.println("tributary emulator: starting an embedded PostgreSQL and the platform emulator...");
        err.flush();
        PlatformEmulator emulator = PlatformEmulator.builder().port(this.port).databasePort(this.dbPort).build().start();
        ForegroundServer.run("tributary-emulator-shutdown", emulator::close, () -> {
            String apiKey;
            try {
                apiKey = emulator.createUser(this.user);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(this.spec.commandLine(), "--user: " + e.getMessage());
            }
            printWelcome(emulator.baseUrl(), emulator.databaseEndpoint().port(), apiKey);
        }, this.ignoreStdin ? null : this.tributary.stdin());
        err.println("tributary emulator: stopped; its databases are deleted");
        err.flush();
        return 0;
    }

    private void printWelcome(String baseUrl, int databasePort, String apiKey) {
        PrintWriter out = this.spec.commandLine().getOut();
        out.println("Tributary platform emulator, for local use only: plain HTTP on 127.0.0.1, data deleted when it stops.");
        out.println();
        out.println("  base URL  " + baseUrl);
        out.println("  user      " + this.user);
        out.println("  API key   " + apiKey + "   (a key of this emulator only)");
        out.println("  PostgreSQL endpoint  127.0.0.1:" + databasePort
                + "  (database <user>/<db>, password the API key, no TLS)");
        out.println();
        out.println("In another terminal:");
        out.println();
        out.println("  export " + PlatformOptions.BASE_URL_VARIABLE + "=" + baseUrl);
        out.println("  export " + PlatformClient.API_KEY_VARIABLE + "=" + apiKey);
        out.println("  java -jar examples/target/tributary.jar db create " + this.user + "/atlas");
        out.println("  java -jar examples/target/tributary.jar import examples/src/main/resources/data/world-countries.csv -d " + this.user
                + "/atlas --table countries");
        out.println("  java -jar examples/target/tributary.jar query -d " + this.user + "/atlas \"SELECT count(*) FROM countries\"");
        out.println();
        out.println(this.ignoreStdin ? "Stop it with Ctrl-C." : "Stop it with Ctrl-C, or Ctrl-D (end of input).");
        out.flush();
    }

    @Override
    public String toString() {
        return "EmulatorCommand{port=" + this.port + ", user=" + this.user + '}';
    }
}

package dev.tributary.examples.cli;

import dev.tributary.emulator.bitbucket.BitbucketEmulator;
import dev.tributary.examples.bitbucket.DemoWorkspace;
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
 * {@code tributary bitbucket emulator}: a {@link BitbucketEmulator} on 127.0.0.1 seeded with the
 * {@link DemoWorkspace}, with its base URL and an API token printed; it runs until Ctrl-C or until
 * its standard input closes.
 */
@Command(name = "emulator",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Runs a local emulator of Bitbucket Cloud's API, seeded with a demo workspace.",
        description = {"Starts an emulator of Bitbucket Cloud's REST API 2.0 on 127.0.0.1, seeds workspace demo with "
                + "repository app (issues, commits, branches, a tag, pull requests) and prints the base URL and an API "
                + "token: for local use only (plain HTTP, a token of this emulator only, data in memory).",
                "",
                "It runs until Ctrl-C, or until its standard input closes (Ctrl-D); with --ignore-stdin, until Ctrl-C only."})
final class BitbucketEmulatorCommand implements Callable<Integer> {

    @ParentCommand
    private BitbucketCommand bitbucket;

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "The HTTP port on 127.0.0.1 (default: a free one).")
    private int port;

    @Option(names = "--issues", paramLabel = "N", defaultValue = "200",
            description = "Issues to seed in demo/app (default: ${DEFAULT-VALUE}).")
    private int issues;

    @Option(names = "--ignore-stdin", description = "Do not stop when standard input closes (run in the background).")
    private boolean ignoreStdin;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (this.port < 0 || this.port > 65535) {
            throw new ParameterException(this.spec.commandLine(), "--port must be 0..65535, was " + this.port);
        }
        if (this.issues < 0 || this.issues > 1_000_000) {
            throw new ParameterException(this.spec.commandLine(), "--issues must be 0..1000000, was " + this.issues);
        }
        BitbucketEmulator emulator = BitbucketEmulator.builder().port(this.port).build().start();
        ForegroundServer.run("tributary-bitbucket-emulator-shutdown", emulator::close,
                () -> printWelcome(emulator.baseUrl(), DemoWorkspace.seed(emulator, this.issues)),
                this.ignoreStdin ? null : this.bitbucket.tributary.stdin());
        PrintWriter err = this.spec.commandLine().getErr();
        err.println("tributary bitbucket emulator: stopped");
        err.flush();
        return 0;
    }

    private void printWelcome(String baseUrl, DemoWorkspace demo) {
        PrintWriter out = this.spec.commandLine().getOut();
        out.println("Tributary Bitbucket emulator, for local use only: plain HTTP on 127.0.0.1, data in memory.");
        out.println();
        out.println("  base URL    " + baseUrl);
        out.println("  workspace   " + demo.workspace() + ", repository " + demo.repository() + " (" + this.issues + " issues)");
        out.println("  e-mail      " + demo.email());
        out.println("  API token   " + demo.apiToken() + "   (a token of this emulator only)");
        out.println();
        out.println("In another terminal:");
        out.println();
        out.println("  export " + BitbucketOptions.BASE_URL_VARIABLE + "=" + baseUrl);
        out.println("  export " + BitbucketOptions.EMAIL_VARIABLE + "=" + demo.email());
        out.println("  export " + BitbucketOptions.API_TOKEN_VARIABLE + "=" + demo.apiToken());
        out.println("  java -jar examples/target/tributary.jar bitbucket issues -w " + demo.workspace() + " -r "
                + demo.repository() + " --where 'state = \"open\"' --limit 10");
        out.println();
        out.println(this.ignoreStdin ? "Stop it with Ctrl-C." : "Stop it with Ctrl-C, or Ctrl-D (end of input).");
        out.flush();
    }

    @Override
    public String toString() {
        return "BitbucketEmulatorCommand{port=" + this.port + ", issues=" + this.issues + '}';
    }
}

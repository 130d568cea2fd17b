package dev.tributary.examples.cli;

import dev.tributary.examples.soak.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code tributary soak}: readers and writers against an embedded PostgreSQL that is restarted,
 * has its backends terminated and closes idle sessions, then the figures.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Runs readers and writers against an embedded PostgreSQL that is restarted every few seconds, has all its "
                + "backends terminated and closes idle sessions after 1 s; prints reads failed, writes lost, doubled and of "
                + "unknown outcome, connections leaked and the recovery latency.")
final class SoakCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "60", description = "how long the load runs (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--readers", defaultValue = "16", description = "concurrent readers (default ${DEFAULT-VALUE})")
    int readers;

    @Option(names = "--writers", defaultValue = "4", description = "concurrent writers (default ${DEFAULT-VALUE})")
    int writers;

    @Option(names = "--restart-every", defaultValue = "10", description = "seconds between server restarts (default ${DEFAULT-VALUE})")
    int restartEvery;

    @Option(names = "--terminate-every", defaultValue = "7",
            description = "seconds between terminations of every backend (default ${DEFAULT-VALUE})")
    int terminateEvery;

    @Override
    public Integer call() throws Exception {
        if (this.seconds < 1 || this.readers < 1 || this.writers < 1 || this.restartEvery < 1 || this.terminateEvery < 1) {
            throw new ParameterException(this.spec.commandLine(),
                    "--seconds, --readers, --writers, --restart-every and --terminate-every must be at least 1");
        }
        Soak.Settings settings = new Soak.Settings(Duration.ofSeconds(this.seconds), this.readers, this.writers,
                Duration.ofSeconds(this.restartEvery), Duration.ofSeconds(this.terminateEvery));
        PrintWriter out = this.spec.commandLine().getOut();
        out.printf("Soak: %d s, %d readers, %d writers, restart every %d s, all backends terminated every %d s, "
                + "idle_session_timeout=1s%n", this.seconds, this.readers, this.writers, this.restartEvery, this.terminateEvery);
        out.flush();
        Soak.Report report = Soak.run(settings, out);
        out.println();
        report.print(out);
        out.flush();
        boolean clean = report.readsFailed() == 0 && report.writesLost() == 0 && report.writesDoubled() == 0
                && report.connectionsLeaked() == 0;
        return clean ? 0 : 1;
    }
}

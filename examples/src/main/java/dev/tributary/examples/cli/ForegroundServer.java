package dev.tributary.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * How the {@code emulator} commands run a local server in the foreground: it is closed when
 * standard input ends (Ctrl-D), or on Ctrl-C/SIGTERM by a JVM shutdown hook, and in every case
 * before {@link #run} returns.
 */
final class ForegroundServer {

    private ForegroundServer() {
    }

    /**
     * Registers {@code close} as a shutdown hook, runs {@code announce} (seeding, printing the
     * welcome) and blocks this (main) thread until standard input ends, or until the JVM exits when
     * {@code stdin} is {@code null} (--ignore-stdin: Ctrl-C or SIGTERM only). Then it runs
     * {@code close} (also when {@code announce} throws) and removes the hook.
     *
     * @param threadName the shutdown hook's thread name
     * @param close      closes the server; runs at least once, at most twice (must tolerate that)
     * @param announce   what to do once the hook is registered; its exceptions propagate
     * @param stdin      the standard input to wait on, or {@code null} to wait until the JVM exits
     * @throws IOException          when standard input fails
     * @throws InterruptedException when this thread is interrupted while waiting
     */
    static void run(String threadName, Runnable close, Runnable announce, InputStream stdin)
            throws IOException, InterruptedException {
        // Ctrl-C: the hook closes the server (and, for the platform emulator, deletes its database)
        Thread shutdownHook = new Thread(close, threadName);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            announce.run();
            waitUntilStopped(stdin);
        } finally {
            close.run();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook runs (and finds the server closed)
            }
        }
    }

    /** Blocks until {@code stdin} ends, or forever when it is {@code null} (Ctrl-C ends the JVM). */
    private static void waitUntilStopped(InputStream stdin) throws IOException, InterruptedException {
        if (stdin == null) {
            new CountDownLatch(1).await();
            return;
        }
        byte[] discarded = new byte[256];
        while (stdin.read(discarded) >= 0) {
            // typed lines are ignored; end of input stops the server
        }
    }
}

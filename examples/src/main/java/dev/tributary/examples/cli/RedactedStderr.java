package dev.tributary.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A {@code System.err} that takes secrets out of each line before it is written: installed by
 * {@link TributaryCommand#main(String[])} when picocli's trace is on ({@code -Dpicocli.trace}),
 * whose lines quote the raw command line, an {@code --api-key KEY} included. The program's own
 * output keeps the original stream.
 */
final class RedactedStderr extends OutputStream {

    private final OutputStream target;
    private final SecretRedaction redaction;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private RedactedStderr(OutputStream target, SecretRedaction redaction) {
        this.target = target;
        this.redaction = redaction;
    }

    /**
     * @param target      the real stderr
     * @param environment the environment ({@code TRIBUTARY_URL}, {@code TRIBUTARY_API_KEY})
     * @param args        the command line: the values of {@code -k}/{@code --api-key} are secrets
     * @return a print stream that writes redacted lines to {@code target}
     */
    static PrintStream over(PrintStream target, Map<String, String> environment, String[] args) {
        SecretRedaction redaction = SecretRedaction.of(environment);
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--api-key=")) {
                redaction.addSecret(args[i].substring("--api-key=".length()));
            } else if (args[i].startsWith("-k") && args[i].length() > 2 && !args[i].startsWith("-k=")) {
                redaction.addSecret(args[i].substring(2)); // -kKEY
            } else if (args[i].startsWith("-k=")) {
                redaction.addSecret(args[i].substring(3));
            } else if ((args[i].equals("-k") || args[i].equals("--api-key")) && i + 1 < args.length) {
                redaction.addSecret(args[i + 1]);
            }
        }
        return new PrintStream(new RedactedStderr(target, redaction), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        this.line.write(b);
        if (b == '\n') {
            flushLine();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Flushes the lines written so far; a partial line waits for its end (a secret is redacted whole). */
    @Override
    public synchronized void flush() throws IOException {
        this.target.flush();
    }

    /** Writes the last partial line, redacted. */
    @Override
    public synchronized void close() throws IOException {
        flushLine();
        this.target.flush();
    }

    private void flushLine() throws IOException {
        if (this.line.size() > 0) {
            String text = this.line.toString(StandardCharsets.UTF_8);
            this.line.reset();
            this.target.write(this.redaction.apply(text).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "RedactedStderr{" + this.redaction + '}';
    }
}

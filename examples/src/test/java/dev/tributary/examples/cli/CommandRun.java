package dev.tributary.examples.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One in-process run of the {@code tributary} command line, with what it printed.
 *
 * @param exitCode the exit code
 * @param out      stdout, decoded as UTF-8
 * @param err      stderr, decoded as UTF-8
 */
record CommandRun(int exitCode, String out, String err) {

    static CommandRun of(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = TributaryCommand.commandLine(environment, out, err).execute(args);
        return new CommandRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> outLines() {
        return Arrays.asList(this.out.split("\\R"));
    }

    /**
     * @param headingStart how the section's {@code == } heading begins
     * @return the lines of stdout from that heading to the next one, trailing blank lines left out
     * @throws IllegalStateException if stdout has no such heading
     */
    List<String> section(String headingStart) {
        List<String> lines = outLines();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("== " + headingStart)) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw new IllegalStateException("No heading '" + headingStart + "' in\n" + this.out);
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("== ")) {
            end++;
        }
        while (lines.get(end - 1).isBlank()) {
            end--;
        }
        return lines.subList(start, end);
    }

    @Override
    public String toString() {
        return "exit " + this.exitCode + "\n--- stdout ---\n" + this.out + "--- stderr ---\n" + this.err;
    }
}

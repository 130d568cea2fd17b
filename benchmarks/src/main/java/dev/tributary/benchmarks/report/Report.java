package dev.tributary.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The run's markdown report: sections are printed to a stream as they complete and the whole
 * report is written to a file (again after every section, so an interrupted run keeps what it
 * measured). Not thread-safe.
 */
public final class Report {

    private final StringBuilder text = new StringBuilder();
    private final PrintStream out;
    private final Path file;

    /**
     * @param out  where each section is printed as it completes
     * @param file the report file (its directory is created); {@code null} for none
     */
    public Report(PrintStream out, Path file) {
        this.out = out;
        this.file = file;
    }

    /**
     * Appends a block of markdown (a heading, a paragraph, a table), prints it and saves the report.
     *
     * @param markdown the block; a blank line is added after it
     */
    public void add(String markdown) {
        String block = markdown.endsWith("\n") ? markdown + "\n" : markdown + "\n\n";
        this.text.append(block);
        this.out.print(block);
        this.out.flush();
        save();
    }

    /** @return the report so far */
    public String text() {
        return this.text.toString();
    }

    private void save() {
        if (this.file == null) {
            return;
        }
        try {
            Path dir = this.file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(this.file, this.text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the report " + this.file, e);
        }
    }
}

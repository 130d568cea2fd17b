package dev.tributary.emulator.platform;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * How the {@link ExportWriter}s write a file: rows are taken from the result with backpressure
 * (a bounded prefetch) and written on Reactor's bounded-elastic scheduler into a temporary file
 * beside the target, which replaces the target only once it is complete. A failed or cancelled
 * export leaves the target as it was and no temporary file behind.
 */
final class ExportFileFormat {

    /** Rows requested from the result at a time. */
    static final int PREFETCH = 256;

    private ExportFileFormat() {
    }

    /**
     * Opens the writer of one export. Runs on Reactor's bounded-elastic scheduler.
     */
    @FunctionalInterface
    interface RowWriterOpener {

        /**
         * @param file the temporary file to write (it exists and is empty)
         * @return the writer; closed by the caller
         * @throws IOException when it cannot be opened
         */
        RowWriter open(Path file) throws IOException;
    }

    /**
     * Writes rows to a file with blocking I/O. Calls come from one thread at a time; {@link #close()}
     * may come from another thread, but never during another call.
     */
    interface RowWriter extends Closeable {

        /**
         * @param row       the row's values in column order, {@code null} for SQL {@code NULL}
         * @param rowNumber the row's 1-based number in the result
         * @throws IOException              when writing fails
         * @throws IllegalArgumentException for a value the format cannot hold, naming the row and column
         */
        void write(Object[] row, long rowNumber) throws IOException;

        /**
         * Completes the file (after the last row).
         *
         * @throws IOException when writing fails
         */
        void finish() throws IOException;
    }

    /**
     * Writes the rows to {@code target} through a temporary file.
     *
     * @param columns the columns (to check each row's length)
     * @param rows    the rows
     * @param target  the file to replace
     * @param opener  opens the format's writer on the temporary file
     * @return the number of rows written
     */
    static Mono<Long> write(List<ExportWriter.ExportColumn> columns, Flux<Object[]> rows, Path target, RowWriterOpener opener) {
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(target, "target");
        if (columns.isEmpty()) {
            return Mono.error(new IllegalArgumentException("an export needs at least one column"));
        }
        int width = columns.size();
        return Mono.usingWhen(
                Mono.fromCallable(() -> new Export(target, opener))
                        .subscribeOn(Schedulers.boundedElastic())
                        .doOnDiscard(Export.class, Export::abort),
                export -> rows.publishOn(Schedulers.boundedElastic(), PREFETCH)
                        .doOnNext(row -> export.write(row, width))
                        .then(Mono.fromCallable(export::commit).subscribeOn(Schedulers.boundedElastic())),
                export -> Mono.fromRunnable(export::abort).subscribeOn(Schedulers.boundedElastic()),
                (export, error) -> Mono.fromRunnable(export::abort).subscribeOn(Schedulers.boundedElastic()),
                export -> Mono.fromRunnable(export::abort).subscribeOn(Schedulers.boundedElastic()));
    }

    /** One export's temporary file and writer; every method is exclusive. */
    private static final class Export {

        private final Path target;
        private final Path temporary;
        private final RowWriter writer;
        private long rows;
        private boolean done;

        Export(Path target, RowWriterOpener opener) throws IOException {
            this.target = target.toAbsolutePath();
            this.temporary = Files.createTempFile(this.target.getParent(), "." + this.target.getFileName(), ".part");
            try {
                this.writer = opener.open(this.temporary);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(this.temporary);
                throw e;
            }
        }

        synchronized void write(Object[] row, int width) {
            if (this.done) {
                throw new IllegalStateException("the export of " + this.target.getFileName() + " was already ended");
            }
            long number = this.rows + 1;
            if (row == null || row.length != width) {
                throw new IllegalArgumentException("row " + number + " has " + (row == null ? "no" : String.valueOf(row.length))
                        + " values for " + width + " columns");
            }
            try {
                this.writer.write(row, number);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + this.target.getFileName() + " at row " + number + ": " + e.getMessage(), e);
            }
            this.rows = number;
        }

        /** Completes the file and moves it over the target. */
        synchronized Long commit() throws IOException {
            if (this.done) {
                throw new IllegalStateException("the export of " + this.target.getFileName() + " was already ended");
            }
            this.done = true;
            try {
                this.writer.finish();
                this.writer.close();
                try {
                    Files.move(this.temporary, this.target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(this.temporary, this.target, StandardCopyOption.REPLACE_EXISTING);
                }
                return this.rows;
            } catch (IOException | RuntimeException e) {
                closeAndDelete();
                throw e;
            }
        }

        /** Ends the export without a result (error, cancel), or after {@link #commit()} (then nothing is left to do). */
        synchronized void abort() {
            if (!this.done) {
                this.done = true;
                closeAndDelete();
            }
        }

        private void closeAndDelete() {
            try {
                this.writer.close();
            } catch (IOException | RuntimeException e) {
                // the file is deleted anyway
            }
            try {
                Files.deleteIfExists(this.temporary);
            } catch (IOException e) {
                // a leftover temporary file beside the target: nothing the caller could act on
            }
        }
    }
}

package dev.tributary.emulator.platform;

import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tributary.sql.load.LoadException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Schedulers;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The CSV the {@link ImportConverter}s write: RFC 4180 through Jackson's {@link CsvGenerator} (it
 * quotes what needs quoting, and also fields with spaces and every field longer than 24
 * characters), UTF-8, LF line ends, a value that is absent (SQL {@code NULL}, a blank cell) as an
 * empty unquoted field and an empty string as {@code ""}, which is how the SDK's loader tells
 * them apart in text columns. Output comes in chunks of about {@value #CHUNK_SIZE} bytes, produced
 * on demand on Reactor's bounded-elastic scheduler from a blocking {@link RecordReader}, so a file
 * of any size is converted in bounded memory.
 */
final class CsvFormat {

    /** Bytes per emitted chunk (a chunk is emitted once it holds at least this many). */
    static final int CHUNK_SIZE = 64 * 1024;

    private static final CsvFactory CSV = CsvFactory.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .build();

    private static final HexFormat HEX = HexFormat.of();

    private CsvFormat() {
    }

    /**
     * Opens a file's records. Runs on Reactor's bounded-elastic scheduler.
     */
    @FunctionalInterface
    interface RecordOpener {

        /**
         * @param file the file
         * @return its records; closed by the caller
         * @throws LoadException when the file is not of the format, naming the file
         * @throws Exception     any other failure to open it (wrapped in a {@link LoadException})
         */
        RecordReader open(Path file) throws Exception;
    }

    /**
     * A file's records, read one at a time with blocking I/O. Calls come from one thread at a
     * time; {@link #close()} may come from another thread, but never during {@link #next}.
     */
    interface RecordReader extends Closeable {

        /**
         * Writes the next record: the first call writes the column names.
         *
         * @param out where the fields go
         * @return {@code false} when there is no record left (nothing was written)
         * @throws LoadException for a value that cannot be read, naming where
         * @throws Exception     any other failure (wrapped in a {@link LoadException} naming {@link #line()})
         */
        boolean next(Record out) throws Exception;

        /**
         * @return the 1-based line of the record being read, as the format counts them (the row of
         *         a sheet, the row of a table); 0 when unknown
         */
        long line();
    }

    /**
     * Writes a file's records as CSV chunks.
     *
     * @param file   the file
     * @param format how messages name the format ("spreadsheet", "SQLite", "Parquet")
     * @param opener opens the file's records
     * @return the chunks, produced as requested; signals {@link LoadException} naming the file for
     *         any failure to read it. The reader is closed on complete, error and cancel.
     */
    static Flux<ByteBuffer> toCsv(Path file, String format, RecordOpener opener) {
        String source = sourceName(file);
        return Flux.usingWhen(
                Mono.fromCallable(() -> new Chunks(source, format, open(file, source, format, opener)))
                        .subscribeOn(Schedulers.boundedElastic())
                        .doOnDiscard(Chunks.class, Chunks::close),
                chunks -> Flux.<ByteBuffer>generate(chunks::next).subscribeOn(Schedulers.boundedElastic()),
                chunks -> Mono.fromRunnable(chunks::close).subscribeOn(Schedulers.boundedElastic()),
                (chunks, error) -> Mono.fromRunnable(chunks::close).subscribeOn(Schedulers.boundedElastic()),
                chunks -> Mono.fromRunnable(chunks::close).subscribeOn(Schedulers.boundedElastic()));
    }

    /**
     * @param file a file
     * @return how errors name it: its file name
     */
    static String sourceName(Path file) {
        Path name = file.getFileName();
        return name != null ? name.toString() : file.toString();
    }

    /**
     * @param bytes bytes
     * @return them as PostgreSQL's hex {@code bytea} text ({@code \x0a1b}), which a {@code bytea}
     *         column takes back as the same bytes
     */
    static String byteaHex(byte[] bytes) {
        return "\\x" + HEX.formatHex(bytes);
    }

    private static RecordReader open(Path file, String source, String format, RecordOpener opener) {
        try {
            return opener.open(file);
        } catch (LoadException e) {
            throw e;
        } catch (Exception e) {
            throw new LoadException("cannot read the " + format + " file: " + describe(e), source, 0, 0, null, e);
        }
    }

    /**
     * @param e an error
     * @return its message, or its type when it has none
     */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * The fields of the record being written.
     */
    static final class Record {

        private final CsvGenerator generator;
        private boolean started;

        private Record(CsvGenerator generator) {
            this.generator = generator;
        }

        /**
         * @param value the field's text; {@code null} for an absent value (an empty unquoted field),
         *              {@code ""} for an empty string ({@code ""})
         * @return this record
         * @throws IOException never in practice (the output is in memory)
         */
        Record field(String value) throws IOException {
            if (!this.started) {
                this.generator.writeStartArray();
                this.started = true;
            }
            if (value == null) {
                this.generator.writeNull();
            } else {
                this.generator.writeString(value);
            }
            return this;
        }
    }

    /** The reader and the CSV generator of one subscription; every method is exclusive. */
    private static final class Chunks {

        private final String source;
        private final String format;
        private final RecordReader reader;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK_SIZE + CHUNK_SIZE / 4);
        private final CsvGenerator generator;
        private final Record record;
        private boolean closed;

        Chunks(String source, String format, RecordReader reader) throws IOException {
            this.source = source;
            this.format = format;
            this.reader = reader;
            try {
                this.generator = CSV.createGenerator(this.out);
                this.generator.setSchema(CsvSchema.emptySchema());
                // records are arrays inside one wrapping array: that is how the generator writes absent fields
                this.generator.writeStartArray();
            } catch (IOException | RuntimeException e) {
                closeQuietly(reader);
                throw e;
            }
            this.record = new Record(this.generator);
        }

        synchronized void next(SynchronousSink<ByteBuffer> sink) {
            if (this.closed) {
                sink.complete();
                return;
            }
            try {
                boolean more = true;
                while (more && this.out.size() < CHUNK_SIZE) {
                    more = this.reader.next(this.record);
                    if (this.record.started) {
                        this.generator.writeEndArray();
                        this.generator.flush();
                        this.record.started = false;
                    }
                }
                if (more) {
                    sink.next(take());
                } else {
                    ByteBuffer last = take();
                    close();
                    if (last.hasRemaining()) {
                        sink.next(last);
                    }
                    sink.complete();
                }
            } catch (LoadException e) {
                sink.error(e);
            } catch (Exception e) {
                sink.error(new LoadException("cannot read the " + this.format + " file: " + describe(e), this.source,
                        this.reader.line(), 0, null, e));
            }
        }

        private ByteBuffer take() {
            ByteBuffer chunk = ByteBuffer.wrap(this.out.toByteArray());
            this.out.reset();
            return chunk;
        }

        synchronized void close() {
            if (!this.closed) {
                this.closed = true;
                closeQuietly(this.reader);
            }
        }

        private static void closeQuietly(Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                // nothing was written to it: a failure to close changes nothing the caller could act on
            }
        }
    }
}

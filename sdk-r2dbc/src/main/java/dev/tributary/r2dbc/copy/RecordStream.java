package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.LoadException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * The records a load writes: those held back while inferring types, then the rest of the source.
 * Malformed input becomes a {@link LoadException} numbered by data record (a CSV header does not
 * count); a CSV record with the wrong number of fields is one too. The source's stream is closed
 * when the last record has been read. Blocking.
 */
final class RecordStream {

    private final Deque<SourceRecord> held;
    private RecordReader reader;
    private final SourceReading reading;
    private final InputStream in;
    private final int fields;
    private final long headerRows;
    private final String source;

    /**
     * @param held       records already read, loaded first
     * @param reader     the reader to continue with
     * @param reading    the reading that opened {@code in}
     * @param in         the stream {@code reader} reads, closed at its end
     * @param fields     the number of fields every CSV record must have; -1 for JSON
     * @param headerRows 1 when the first record was a CSV header, else 0
     * @param source     how errors name the source
     */
    RecordStream(Deque<SourceRecord> held, RecordReader reader, SourceReading reading, InputStream in, int fields, long headerRows,
                 String source) {
        this.held = held;
        this.reader = reader;
        this.reading = reading;
        this.in = in;
        this.fields = fields;
        this.headerRows = headerRows;
        this.source = source;
    }

    /** @return a stream without records */
    static RecordStream empty() {
        return new RecordStream(new ArrayDeque<>(), null, null, null, -1, 0, "empty");
    }

    /**
     * @return the next record, or {@code null} at the end
     * @throws LoadException if the input is malformed
     * @throws IOException   if reading fails
     */
    SourceRecord next() throws LoadException, IOException {
        SourceRecord record = this.held.poll();
        if (record != null || this.reader == null) {
            return record;
        }
        try {
            record = this.reader.next();
        } catch (SourceFormatException e) {
            throw toLoadException(e, this.source, this.headerRows);
        }
        if (record == null) {
            this.reader = null;
            this.reading.close(this.in);
            return null;
        }
        if (this.fields >= 0) {
            checkFieldCount(record, this.fields, () -> this.headerRows, this.source);
        }
        return record;
    }

    /**
     * @param record a record
     * @return its 1-based data record number
     */
    long dataRecord(SourceRecord record) {
        return record.ordinal() - this.headerRows;
    }

    /**
     * @param record     a CSV record
     * @param fields     the number of fields expected
     * @param headerRows 1 when the first record is a header, else 0
     * @param source     how errors name the source
     * @throws LoadException if the record has another number of fields
     */
    static void checkFieldCount(SourceRecord record, int fields, LongSupplier headerRows, String source) throws LoadException {
        if (record.size() != fields) {
            throw new LoadException("expected " + fields + " fields (as in the first row) but the record that starts at line "
                    + record.line() + " has " + record.size(), source, record.line(), record.ordinal() - headerRows.getAsLong(), null, null);
        }
    }

    /**
     * @param e          a reader's error
     * @param source     how errors name the source
     * @param headerRows 1 when the first record is a CSV header, else 0
     * @return the error as a {@link LoadException}
     */
    static LoadException toLoadException(SourceFormatException e, String source, long headerRows) {
        long record = Math.max(e.ordinal() - headerRows, 0);
        return new LoadException(e.reason(), source, e.line(), record, e.column(), e.getCause());
    }
}

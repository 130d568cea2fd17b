package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ColumnType;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadException;
import dev.tributary.sql.load.LoadRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A source read far enough to know its columns: their names (header or keys), what their values
 * have in common (for types), whether a CSV source has a header, and the records to load, from the
 * first data record on.
 * <p>
 * How far it reads: a file whose table is created is read once in full to infer the types from
 * every record (and, for JSON, to find every key), then opened again to load. A JSON file loaded
 * into an existing table is also read in full first (for its keys). Everything else (streams, CSV
 * files into existing tables) is read once: the first {@link LoadRequest#sampleRows()} records are
 * held in memory for inference, then loading continues from where reading stopped.
 * Blocking: runs on a bounded-elastic thread.
 */
final class PreparedSource {

    private final List<String> columns;
    private final List<ColumnProfile> profiles;
    private final boolean header;
    private final long inferredFrom;
    private final RecordStream records;

    private PreparedSource(List<String> columns, List<ColumnProfile> profiles, boolean header, long inferredFrom, RecordStream records) {
        this.columns = columns;
        this.profiles = profiles;
        this.header = header;
        this.inferredFrom = inferredFrom;
        this.records = records;
    }

    /** @return the source's column names, in order */
    List<String> columns() {
        return this.columns;
    }

    /** @return what each column's values have in common, by column index */
    List<ColumnProfile> profiles() {
        return this.profiles;
    }

    /** @return whether the source is CSV whose first row was taken as a header */
    boolean header() {
        return this.header;
    }

    /** @return how many records the types were inferred from, or -1 for every record */
    long inferredFrom() {
        return this.inferredFrom;
    }

    /** @return the records to load */
    RecordStream records() {
        return this.records;
    }

    /**
     * Reads the source as far as needed (see the class comment).
     *
     * @param reading      the source
     * @param request      the load
     * @param tableColumns the existing table's column names, or {@code null} when the load creates it
     * @return the prepared source
     * @throws LoadException if the input is malformed
     * @throws IOException   if reading fails
     */
    static PreparedSource prepare(SourceReading reading, LoadRequest request, List<String> tableColumns)
            throws LoadException, IOException {
        return request.format() == DataFormat.CSV ? prepareCsv(reading, request, tableColumns) : prepareJson(reading, request);
    }

    private static PreparedSource prepareCsv(SourceReading reading, LoadRequest request, List<String> tableColumns)
            throws LoadException, IOException {
        String source = reading.description();
        boolean wholeFile = reading.rereadable() && tableColumns == null;
        long limit = wholeFile ? Long.MAX_VALUE : request.sampleRows();
        InputStream in = reading.open();
        CsvRecordReader reader = new CsvRecordReader(in);
        HeaderMode mode = request.header();
        SourceRecord first = nextOrFail(reader, source, () -> mode == HeaderMode.FIRST_ROW ? 1 : 0);
        if (first == null) {
            reading.close(in);
            if (tableColumns == null) {
                throw new LoadException("the source is empty: it has neither a header nor records, so there are no columns to create the "
                        + "table with", source, 0, 0, null, null);
            }
            return new PreparedSource(List.of(), List.of(), false, 0, RecordStream.empty());
        }
        int fields = first.size();
        // profiles of the rows below the first; the first row joins them if it turns out to be data
        List<ColumnProfile> profiles = new ArrayList<>(fields);
        for (int i = 0; i < fields; i++) {
            profiles.add(new ColumnProfile("column_" + (i + 1)));
        }
        // until the header is decided, errors number records as the rows read so far suggest
        LongSupplier headerRows = () -> mode == HeaderMode.FIRST_ROW ? 1 : mode == HeaderMode.NO_HEADER ? 0
                : HeaderDetection.isHeader(values(first), types(profiles), tableColumns) ? 1 : 0;
        Deque<SourceRecord> sample = new ArrayDeque<>();
        long count = 0;
        while (count < limit) {
            SourceRecord record = nextOrFail(reader, source, headerRows);
            if (record == null) {
                break;
            }
            RecordStream.checkFieldCount(record, fields, headerRows, source);
            for (int i = 0; i < fields; i++) {
                profiles.get(i).observe(SourceRecord.TEXT, record.value(i), record.ordinal(), record.line());
            }
            if (!wholeFile) {
                sample.add(record);
            }
            count++;
        }
        boolean header = headerRows.getAsLong() == 1;
        List<String> names = new ArrayList<>(fields);
        for (int i = 0; i < fields; i++) {
            String value = first.value(i);
            names.add(header && value != null && !value.isBlank() ? value : "column_" + (i + 1));
            if (!header) {
                profiles.get(i).observe(SourceRecord.TEXT, value, 1, first.line());
            }
        }
        long offset = header ? 1 : 0;
        if (wholeFile) {
            reading.close(in);
            InputStream again = reading.open();
            CsvRecordReader second = new CsvRecordReader(again);
            if (header) {
                nextOrFail(second, source, () -> 1);
            }
            return new PreparedSource(names, profiles, header, -1,
                    new RecordStream(new ArrayDeque<>(), second, reading, again, fields, offset, source));
        }
        if (!header) {
            sample.addFirst(first);
        }
        return new PreparedSource(names, profiles, header, count + (header ? 0 : 1),
                new RecordStream(sample, reader, reading, in, fields, offset, source));
    }

    private static PreparedSource prepareJson(SourceReading reading, LoadRequest request) throws LoadException, IOException {
        String source = reading.description();
        boolean wholeFile = reading.rereadable();
        long limit = wholeFile ? Long.MAX_VALUE : request.sampleRows();
        SourceColumns columns = new SourceColumns();
        InputStream in = reading.open();
        JsonRecordReader reader = new JsonRecordReader(in, columns);
        List<ColumnProfile> profiles = new ArrayList<>();
        Deque<SourceRecord> sample = new ArrayDeque<>();
        long count = 0;
        while (count < limit) {
            SourceRecord record = nextOrFail(reader, source, () -> 0);
            if (record == null) {
                break;
            }
            if (columns.size() > profiles.size()) {
                List<String> names = columns.names();
                for (int i = profiles.size(); i < names.size(); i++) {
                    profiles.add(new ColumnProfile(names.get(i)));
                }
            }
            for (int i = 0; i < profiles.size(); i++) {
                profiles.get(i).observe(record.kind(i), record.value(i), record.ordinal(), record.line());
            }
            if (!wholeFile) {
                sample.add(record);
            }
            count++;
        }
        if (wholeFile) {
            columns.freeze("but the file had no such key when its columns were read (did it change during the load?)");
            reading.close(in);
            InputStream again = reading.open();
            return new PreparedSource(columns.names(), profiles, false, -1,
                    new RecordStream(new ArrayDeque<>(), new JsonRecordReader(again, columns), reading, again, -1, 0, source));
        }
        columns.freeze("after the first " + count + " records that the columns were taken from (LoadRequest sampleRows = "
                + request.sampleRows() + "); raise sampleRows, or load from a file, which is read in full first");
        return new PreparedSource(columns.names(), profiles, false, count,
                new RecordStream(sample, reader, reading, in, -1, 0, source));
    }

    private static SourceRecord nextOrFail(RecordReader reader, String source, LongSupplier headerRows) throws LoadException, IOException {
        try {
            return reader.next();
        } catch (SourceFormatException e) {
            throw RecordStream.toLoadException(e, source, headerRows.getAsLong());
        }
    }

    private static List<String> values(SourceRecord record) {
        List<String> values = new ArrayList<>(record.size());
        for (int i = 0; i < record.size(); i++) {
            values.add(record.value(i));
        }
        return values;
    }

    private static List<ColumnType> types(List<ColumnProfile> profiles) {
        List<ColumnType> types = new ArrayList<>(profiles.size());
        for (ColumnProfile profile : profiles) {
            types.add(profile.type());
        }
        return types;
    }
}

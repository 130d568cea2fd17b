package dev.tributary.r2dbc.copy;

/**
 * One record read from a source: its values by source column index, what kind of JSON value each
 * was, and where the record starts.
 */
final class SourceRecord {

    /** A string: a CSV field or a JSON string. */
    static final byte TEXT = 0;
    /** A JSON number (the value is its text as written). */
    static final byte NUMBER = 1;
    /** A JSON {@code true}/{@code false}. */
    static final byte BOOLEAN = 2;
    /** A JSON object or array (the value is its JSON text). */
    static final byte STRUCTURE = 3;

    private final long line;
    private final long ordinal;
    private final String[] values;
    private final byte[] kinds;

    /**
     * @param line    1-based line where the record starts
     * @param ordinal 1-based position among the source's records (a CSV header counts)
     * @param values  values by column index; {@code null} for SQL NULL; may be shorter than the
     *                column count (missing values are NULL)
     * @param kinds   kinds by column index, or {@code null} when every value is {@link #TEXT}
     */
    SourceRecord(long line, long ordinal, String[] values, byte[] kinds) {
        this.line = line;
        this.ordinal = ordinal;
        this.values = values;
        this.kinds = kinds;
    }

    long line() {
        return this.line;
    }

    long ordinal() {
        return this.ordinal;
    }

    /** @return the number of values read (for CSV, the field count) */
    int size() {
        return this.values.length;
    }

    /** @return the value at the column index, {@code null} for NULL or missing */
    String value(int index) {
        return index < this.values.length ? this.values[index] : null;
    }

    /** @return the kind of the value at the column index */
    byte kind(int index) {
        return this.kinds == null || index >= this.kinds.length ? TEXT : this.kinds[index];
    }

    static String kindName(byte kind) {
        switch (kind) {
            case NUMBER:
                return "a JSON number";
            case BOOLEAN:
                return "a JSON boolean";
            case STRUCTURE:
                return "a JSON object or array";
            default:
                return "a string";
        }
    }
}

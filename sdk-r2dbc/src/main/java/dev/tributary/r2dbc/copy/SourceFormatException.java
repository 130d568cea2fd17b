package dev.tributary.r2dbc.copy;

/**
 * Malformed source input found by a reader (CSV or JSON syntax, bad UTF-8, a record that is not
 * an object), before its data record number is known: the load turns it into a
 * {@link dev.tributary.sql.load.LoadException}.
 */
final class SourceFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient String reason;
    private final long line;
    private final long ordinal;
    private final transient String column;

    /**
     * @param reason  what is wrong, with the precise position when the parser knows it
     * @param line    the line to report: where the record starts, or where the parser stopped
     * @param ordinal the 1-based record among all records of the source (a CSV header counts)
     * @param column  the column's name, or {@code null}
     * @param cause   the parser's error, or {@code null}
     */
    SourceFormatException(String reason, long line, long ordinal, String column, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
        this.line = line;
        this.ordinal = ordinal;
        this.column = column;
    }

    String reason() {
        return this.reason;
    }

    long line() {
        return this.line;
    }

    long ordinal() {
        return this.ordinal;
    }

    String column() {
        return this.column;
    }
}

package dev.tributary.sql.load;

import io.r2dbc.spi.R2dbcNonTransientException;

/**
 * Bad input in a bulk load source, or a load that cannot be done as asked: malformed CSV or JSON,
 * bytes that are not UTF-8, a value that does not fit its column's type, a JSON field that mixes
 * types, a column the table does not have, a missing table with {@code createTable(false)}. It
 * names where: the source, the 1-based line (of the file) and record (data row, header
 * excluded), and the column when known (0 and {@code null} when not). Nothing was written: the
 * load's transaction (or savepoint) was rolled back.
 */
public class LoadException extends R2dbcNonTransientException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final long record;
    private final String column;

    /**
     * @param reason what is wrong, without the location (it is appended)
     * @param source a description of the source (a file name, "stream"); not a secret
     * @param line   1-based line in the source where the bad record starts; 0 if unknown
     * @param record 1-based data record; 0 if unknown
     * @param column the column's name; {@code null} if unknown
     * @param cause  the parser's or the database's error; may be {@code null}
     */
    public LoadException(String reason, String source, long line, long record, String column, Throwable cause) {
        super(reason + location(source, line, record, column), null, 0, (String) null, cause);
        this.source = source;
        this.line = line;
        this.record = record;
        this.column = column;
    }

    private static String location(String source, long line, long record, String column) {
        StringBuilder b = new StringBuilder(" (").append(source);
        if (line > 0) {
            b.append(", line ").append(line);
        }
        if (record > 0) {
            b.append(", record ").append(record);
        }
        if (column != null) {
            b.append(", column '").append(column).append('\'');
        }
        return b.append(')').toString();
    }

    /** @return a description of the source */
    public String getSource() {
        return this.source;
    }

    /**
     * @return 1-based line where the bad record starts (for an unclosed CSV quote, the line where
     *         the quoted field's record starts, not the end of the input where the parser noticed
     *         it); for a JSON syntax error, the line where the parser stopped; 0 if unknown
     */
    public long getLine() {
        return this.line;
    }

    /** @return 1-based data record (header excluded); 0 if unknown */
    public long getRecord() {
        return this.record;
    }

    /** @return the column's name, or {@code null} if unknown */
    public String getColumn() {
        return this.column;
    }
}

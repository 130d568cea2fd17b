package dev.tributary.sql;

import io.r2dbc.spi.R2dbcNonTransientException;

/**
 * A statement returned more rows than its consumer allows ({@link FetchSpec#one()} and more than
 * one row). The message carries the SQL.
 */
public class IncorrectResultSizeException extends R2dbcNonTransientException {

    private static final long serialVersionUID = 1L;

    private final int expected;

    /**
     * @param expected the most rows the consumer accepts
     * @param sql      the statement, as given by the user (with secrets redacted)
     */
    public IncorrectResultSizeException(int expected, String sql) {
        super("Expected at most " + expected + " row(s) but the statement returned more [SQL: " + sql + "]",
                null, 0, sql);
        this.expected = expected;
    }

    /**
     * @return the most rows the consumer accepts
     */
    public int getExpected() {
        return this.expected;
    }
}

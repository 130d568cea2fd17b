package dev.tributary.sql;

import io.r2dbc.spi.R2dbcNonTransientResourceException;

/**
 * The connection was lost after a write (or a {@code COMMIT}) was sent, so whether it took effect
 * is unknown. The SDK did not run it again, because running a write twice could double it; the
 * caller decides (for example by reading back, or by making the write idempotent and declaring it
 * so with {@link SqlStatement#idempotent(boolean)}). The message carries the SQL; the cause is the
 * driver's connection error.
 */
public class OutcomeUnknownException extends R2dbcNonTransientResourceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param sql   the statement (secrets redacted), or {@code COMMIT}
     * @param cause the connection error
     */
    public OutcomeUnknownException(String sql, Throwable cause) {
        super("The connection was lost after the statement was sent: its outcome is unknown, and it was not run again "
                + "[SQL: " + sql + "]", null, 0, sql, cause);
    }
}

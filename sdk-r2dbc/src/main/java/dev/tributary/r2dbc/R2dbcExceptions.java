package dev.tributary.r2dbc;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientException;
import io.r2dbc.spi.R2dbcTransientResourceException;

/**
 * Types errors once, at the boundary: a driver's {@link R2dbcException} becomes the R2DBC SPI
 * exception of the same category (bad grammar, data integrity, permission, rollback, timeout,
 * transient or non-transient resource) whose message adds the operation's SQL (secrets
 * redacted), keeping SQLSTATE, vendor code and the driver's exception as the cause. Anything
 * else passes through unchanged.
 */
final class R2dbcExceptions {

    private R2dbcExceptions() {
    }

    static Throwable withSql(Throwable error, SqlText sql) {
        return withSql(error, sql.redacted());
    }

    static Throwable withSql(Throwable error, String sql) {
        if (!(error instanceof R2dbcException) || error.getMessage() != null && error.getMessage().contains("[SQL: ")
                || error.getClass().getName().startsWith("dev.tributary.")) {
            // not the driver's, or typed by the SDK already (DatabaseUnavailableException, LoadException, ...)
            return error;
        }
        R2dbcException e = (R2dbcException) error;
        String message = (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " [SQL: " + sql + "]";
        String state = e.getSqlState();
        int code = e.getErrorCode();
        if (e instanceof R2dbcBadGrammarException) {
            return new R2dbcBadGrammarException(message, state, code, sql, e);
        }
        if (e instanceof R2dbcDataIntegrityViolationException) {
            return new R2dbcDataIntegrityViolationException(message, state, code, sql, e);
        }
        if (e instanceof R2dbcPermissionDeniedException) {
            return new R2dbcPermissionDeniedException(message, state, code, sql, e);
        }
        if (e instanceof R2dbcNonTransientResourceException) {
            return new R2dbcNonTransientResourceException(message, state, code, sql, e);
        }
        if (e instanceof R2dbcRollbackException) {
            return new R2dbcRollbackException(message, state, code, sql, e);
        }
        if (e instanceof R2dbcTimeoutException) {
            return new R2dbcTimeoutException(message, state, code, sql, e);
        }
        if (e instanceof R2dbcTransientResourceException) {
            return new R2dbcTransientResourceException(message, state, code, sql, e);
        }
        if (e instanceof R2dbcTransientException) {
            return new Transient(message, state, code, sql, e);
        }
        if (e instanceof R2dbcNonTransientException) {
            return new NonTransient(message, state, code, sql, e);
        }
        return new NonTransient(message, state, code, sql, e);
    }

    /** A transient error of no more specific category. */
    static final class Transient extends R2dbcTransientException {

        private static final long serialVersionUID = 1L;

        Transient(String message, String state, int code, String sql, Throwable cause) {
            super(message, state, code, sql, cause);
        }
    }

    /** A non-transient error of no more specific category. */
    static final class NonTransient extends R2dbcNonTransientException {

        private static final long serialVersionUID = 1L;

        NonTransient(String message, String state, int code, String sql, Throwable cause) {
            super(message, state, code, sql, cause);
        }
    }
}

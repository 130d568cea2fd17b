package dev.tributary.r2dbc.clickhouse;

import io.netty.handler.timeout.TimeoutException;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.Set;

/**
 * Types ClickHouse failures once, at the driver's boundary, into the R2DBC exception taxonomy:
 * the server's {@code Code: NN} becomes {@link R2dbcException#getErrorCode()}, its message the
 * exception's message, the statement {@link R2dbcException#getSql()}. ClickHouse has no SQLSTATE:
 * {@link R2dbcException#getSqlState()} is {@code null}. Error codes as ClickHouse's
 * {@code src/Common/ErrorCodes.cpp} names them.
 */
final class ClickHouseExceptions {

    /** Syntax errors and unknown identifiers, tables, columns, functions, databases, types, settings. */
    private static final Set<Integer> BAD_GRAMMAR = Set.of(
            16, // NO_SUCH_COLUMN_IN_TABLE
            36, // BAD_ARGUMENTS
            42, // NUMBER_OF_ARGUMENTS_DOESNT_MATCH
            43, // ILLEGAL_TYPE_OF_ARGUMENT
            44, // ILLEGAL_COLUMN
            46, // UNKNOWN_FUNCTION
            47, // UNKNOWN_IDENTIFIER
            50, // UNKNOWN_TYPE
            57, // TABLE_ALREADY_EXISTS
            60, // UNKNOWN_TABLE
            62, // SYNTAX_ERROR
            81, // UNKNOWN_DATABASE
            82, // DATABASE_ALREADY_EXISTS
            115, // UNKNOWN_SETTING
            179, // MULTIPLE_EXPRESSIONS_FOR_ALIAS
            215, // NOT_AN_AGGREGATE
            352, // AMBIGUOUS_COLUMN_NAME
            386, // NO_COMMON_TYPE
            456, // UNKNOWN_QUERY_PARAMETER
            457); // BAD_QUERY_PARAMETER

    /** Authentication and authorisation. */
    private static final Set<Integer> PERMISSION_DENIED = Set.of(
            164, // READONLY
            192, // UNKNOWN_USER
            193, // WRONG_PASSWORD
            195, // IP_ADDRESS_NOT_ALLOWED
            291, // DATABASE_ACCESS_DENIED
            497, // ACCESS_DENIED
            516); // AUTHENTICATION_FAILED

    /** Time limits. */
    private static final Set<Integer> TIMEOUT = Set.of(
            159, // TIMEOUT_EXCEEDED
            209); // SOCKET_TIMEOUT

    /** Conditions that may pass: too many queries, a session in use, network errors between servers. */
    private static final Set<Integer> TRANSIENT = Set.of(
            202, // TOO_MANY_SIMULTANEOUS_QUERIES
            203, // NO_FREE_CONNECTION
            210, // NETWORK_ERROR
            241, // MEMORY_LIMIT_EXCEEDED
            242, // TABLE_IS_READ_ONLY
            252, // TOO_MANY_PARTS
            373, // SESSION_IS_LOCKED
            394); // QUERY_WAS_CANCELLED

    /** Values that cannot be parsed, converted or stored. */
    private static final Set<Integer> DATA_INTEGRITY = Set.of(
            6, // CANNOT_PARSE_TEXT
            26, // CANNOT_PARSE_QUOTED_STRING
            27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            32, // ATTEMPT_TO_READ_AFTER_EOF
            38, // CANNOT_PARSE_DATE
            41, // CANNOT_PARSE_DATETIME
            53, // TYPE_MISMATCH
            69, // ARGUMENT_OUT_OF_BOUND
            70, // CANNOT_CONVERT_TYPE
            72, // CANNOT_PARSE_NUMBER
            117, // INCORRECT_DATA
            131, // TOO_LARGE_STRING_SIZE
            190, // SIZES_OF_ARRAYS_DOESNT_MATCH
            321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
            349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
            395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
            407); // DECIMAL_OVERFLOW

    private ClickHouseExceptions() {
    }

    /**
     * @param code    the server's error code
     * @param message the server's message
     * @param sql     the statement, or {@code null}
     * @return the R2DBC exception for that code
     */
    static R2dbcException fromServer(int code, String message, String sql) {
        if (BAD_GRAMMAR.contains(code)) {
            return new R2dbcBadGrammarException(message, null, code, sql);
        }
        if (PERMISSION_DENIED.contains(code)) {
            return new R2dbcPermissionDeniedException(message, null, code, sql);
        }
        if (TIMEOUT.contains(code)) {
            return new R2dbcTimeoutException(message, null, code, sql);
        }
        if (TRANSIENT.contains(code)) {
            return new R2dbcTransientResourceException(message, null, code, sql);
        }
        if (DATA_INTEGRITY.contains(code)) {
            return new R2dbcDataIntegrityViolationException(message, null, code, sql);
        }
        return new ServerException(message, code, sql);
    }

    /**
     * A non-200 response: the body's {@code Code: NN} text when there is one, else the HTTP status decides.
     *
     * @param status the HTTP status
     * @param body   the response body (text)
     * @param sql    the statement, or {@code null}
     * @return the R2DBC exception
     */
    static R2dbcException fromResponse(int status, String body, String sql) {
        Optional<ServerErrorText> error = ServerErrorText.parse(body);
        if (error.isPresent()) {
            return fromServer(error.get().code(), error.get().message(), sql);
        }
        String message = "HTTP " + status + " from ClickHouse" + (body.isBlank() ? "" : ": " + abbreviate(body.strip()));
        if (status == 401 || status == 403) {
            return new R2dbcPermissionDeniedException(message, null, 0, sql);
        }
        if (status == 408 || status == 504) {
            return new R2dbcTimeoutException(message, null, 0, sql);
        }
        if (status == 429 || status == 502 || status == 503) {
            return new R2dbcTransientResourceException(message, null, 0, sql);
        }
        return new ServerException(message, 0, sql);
    }

    /**
     * Types any failure of a statement: a server error text found in a body, an R2DBC exception as
     * it is, socket failures as resource exceptions (the socket error is the cause), everything
     * else (a bug, a bad argument) unchanged.
     *
     * @param error     the failure
     * @param operation what was being done, for the message ("executing", "connecting to host:port")
     * @param sql       the statement, or {@code null}
     * @return the typed failure
     */
    static Throwable translate(Throwable error, String operation, String sql) {
        if (error instanceof R2dbcException) {
            return error;
        }
        if (error instanceof ServerErrorText.Failure) {
            ServerErrorText text = ((ServerErrorText.Failure) error).error();
            return fromServer(text.code(), text.message(), sql);
        }
        if (error instanceof TimeoutException || error instanceof java.util.concurrent.TimeoutException) {
            return new R2dbcTimeoutException("Timed out " + operation + ": " + error.getMessage(), null, 0, sql, error);
        }
        if (error instanceof SSLException || error.getCause() instanceof SSLException) {
            return new R2dbcNonTransientResourceException("TLS failed " + operation + ": " + error.getMessage(), null, 0, sql, error);
        }
        if (error instanceof IOException || error instanceof ClosedChannelException) {
            return new R2dbcTransientResourceException("Connection failed " + operation + ": " + error, null, 0, sql, error);
        }
        if (error instanceof TabSeparatedReader.MalformedResponse) {
            return new R2dbcNonTransientResourceException("Malformed response " + operation + ": " + error.getMessage(), null, 0, sql, error);
        }
        return error;
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }

    /** A ClickHouse error outside the other categories (R2DBC's non-transient catch-all). */
    static final class ServerException extends R2dbcNonTransientException {

        private static final long serialVersionUID = 1L;

        ServerException(String message, int code, String sql) {
            super(message, null, code, sql);
        }
    }
}

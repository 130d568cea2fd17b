package dev.tributary.r2dbc;

import io.r2dbc.spi.R2dbcException;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;

/**
 * Tells connection failures apart from everything else, by SQLSTATE first and then by the cause
 * chain (the driver wraps socket errors in its own, not public, exception types).
 * <ul>
 *   <li>{@link #isTransientConnectFailure}: opening a connection failed in a way that trying again
 *       later may fix: refused or reset socket, SQLSTATE class {@code 08} (connection exception),
 *       {@code 57P01} admin shutdown, {@code 57P02} crash shutdown, {@code 57P03} cannot connect
 *       now (starting up), {@code 53300} too many connections. Authentication failures
 *       ({@code 28xxx}), unknown databases ({@code 3D000}) and TLS set-up errors are not.</li>
 *   <li>{@link #isStaleConnectionRejected}: r2dbc-pool found a pooled connection dead when it
 *       validated it (after a restart or an idle close), or the validation got no answer in time
 *       (a network partition), and failed the acquire instead of opening another (r2dbc-pool#209).
 *       Nothing was sent on it: acquiring again is safe.</li>
 * </ul>
 * SQLSTATEs as PostgreSQL documents them: <a href="https://www.postgresql.org/docs/current/errcodes-appendix.html">Appendix A</a>.
 */
final class ConnectionFailures {

    private static final Set<String> TRANSIENT_CONNECT_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    /** r2dbc-postgresql's own (package-private) types for a broken or refused socket. */
    private static final Set<String> DRIVER_CONNECTION_ERRORS = Set.of("PostgresConnectionException", "PostgresConnectionClosedException");

    private ConnectionFailures() {
    }

    /** Server-side ends of a session: shutdowns, idle session / idle transaction timeouts. */
    private static final Set<String> SESSION_LOST_STATES = Set.of("57P01", "57P02", "57P05", "25P03");

    /**
     * @return whether the connection was lost under a statement (the server ended the session, the
     *         socket closed or reset): SQLSTATE class {@code 08}, {@code 57P01}, {@code 57P02},
     *         {@code 57P05} (idle session timeout), {@code 25P03} (idle in transaction timeout), or
     *         a closed or reset socket
     */
    static boolean isConnectionLost(Throwable error) {
        return isConnectionFailure(error, SESSION_LOST_STATES, false);
    }

    /** r2dbc-pool's message when validation of a pooled connection fails ({@code io.r2dbc.pool.Validation}). */
    private static final String POOL_VALIDATION_FAILED = "Connection validation failed";

    /** r2dbc-pool's message when a validation round trip outlasts {@code maxValidationTime}. */
    private static final String POOL_VALIDATION_TIMED_OUT = "Validation timed out";

    static boolean isStaleConnectionRejected(Throwable error) {
        if (error instanceof IdleValidation.StaleConnectionException) {
            return true;
        }
        if (!(error instanceof R2dbcException) || ((R2dbcException) error).getSqlState() != null || error.getMessage() == null) {
            return false;
        }
        return POOL_VALIDATION_FAILED.equals(error.getMessage())
                || error instanceof io.r2dbc.spi.R2dbcTimeoutException && error.getMessage().startsWith(POOL_VALIDATION_TIMED_OUT);
    }

    static boolean isTransientConnectFailure(Throwable error) {
        return isConnectionFailure(error, TRANSIENT_CONNECT_STATES, true);
    }

    /**
     * Walks the cause chain: the first SQLSTATE decides (class 08, or one of {@code states});
     * without one, a closed, reset or refused socket is a connection failure. While connecting, a
     * TLS error is not (it is set-up or verification, which a retry does not fix), and the
     * driver's own connection errors count only when they carry no cause to look at.
     */
    private static boolean isConnectionFailure(Throwable error, Set<String> states, boolean connecting) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException) {
                String state = ((R2dbcException) t).getSqlState();
                if (state != null && !state.isEmpty()) {
                    return state.startsWith("08") || states.contains(state);
                }
            }
            if (connecting && t instanceof javax.net.ssl.SSLException) {
                return false;
            }
            if (t instanceof ClosedChannelException || t instanceof IOException && !(t instanceof java.io.FileNotFoundException)) {
                // refused (ConnectException), reset by peer, broken pipe, Netty's native socket errors
                return true;
            }
            if (DRIVER_CONNECTION_ERRORS.contains(t.getClass().getSimpleName()) && (!connecting || t.getCause() == null)) {
                return true;
            }
        }
        return false;
    }
}

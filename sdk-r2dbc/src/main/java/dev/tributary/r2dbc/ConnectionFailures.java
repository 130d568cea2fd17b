package dev.tributary.r2dbc;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Set;

/**
 * Tells connection failures apart from everything else, by SQLSTATE first and then by the cause
 * chain (the driver wraps socket errors in its own, not public, exception types).
 * <ul>
 *   <li>{@link #isTransientConnectFailure}: opening a connection failed in a way that trying again
 *       later may fix: refused or reset socket, SQLSTATE class {@code 08} (connection exception),
 *       {@code 57P01} admin shutdown, {@code 57P02} crash shutdown, {@code 57P03} cannot connect
 *       now (starting up), {@code 53300} too many connections. Authentication failures
 *       ({@code 28xxx}), unknown databases ({@code 3D000}) and TLS set-up errors
 *       ({@link #tlsSetupFailure}) are not, whatever SQLSTATE the driver gives them.</li>
 *   <li>{@link #tlsSetupFailure}: TLS could not be set up as configured: the server does not offer
 *       TLS that the {@code sslMode} requires (it answers {@code N} to the SSLRequest), the server's
 *       certificate fails the checks of {@code verify-ca} or {@code verify-full}, or the handshake
 *       fails. r2dbc-postgresql reports all of these with SQLSTATE {@code 08006} or {@code 08003}
 *       (connection failure), as it does a refused socket; a socket that closes during the TLS
 *       negotiation is not one of them (a server restarting, a database waking).</li>
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
        // a TLS set-up failure happens before any statement: nothing was lost under one
        return tlsSetupFailure(error) == null && isConnectionFailure(error, SESSION_LOST_STATES, false);
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
        return tlsSetupFailure(error) == null && isConnectionFailure(error, TRANSIENT_CONNECT_STATES, true);
    }

    /** r2dbc-postgresql's own (package-private) type for every failure of its TLS negotiation, SQLSTATE 08006. */
    private static final String DRIVER_TLS_ERROR = "PostgresqlSslException";

    /** How r2dbc-postgresql's TLS errors name the configured mode ("... configured with SSL mode require"). */
    private static final String DRIVER_SSL_MODE = "SSL mode ";

    /** The JDK's (internal) certificate path validation failure, a {@link CertificateException}. */
    private static final String JDK_VALIDATOR_ERROR = "sun.security.validator.ValidatorException";

    /**
     * @param error a failure to open a connection
     * @return which TLS requirement was not met (naming the {@code sslMode} it belongs to), when
     *         the failure is a TLS set-up or certificate failure that trying again cannot fix;
     *         {@code null} otherwise (also for a socket closed or reset during the TLS negotiation)
     */
    static String tlsSetupFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TlsSetupException) {
                return ((TlsSetupException) t).requirement;
            }
            if (DRIVER_TLS_ERROR.equals(t.getClass().getSimpleName()) && t.getMessage() != null) {
                String message = t.getMessage();
                int mode = message.indexOf(DRIVER_SSL_MODE);
                if (mode >= 0) {
                    // "Server support for SSL connection is disabled, but client was configured with SSL mode require"
                    String configured = message.substring(mode + DRIVER_SSL_MODE.length()).trim().toLowerCase(Locale.ROOT).replace('_', '-');
                    return message.contains("disabled") ? "sslMode " + configured + " requires TLS, which the server does not offer"
                            : "the server requires TLS, which sslMode " + configured + " does not use";
                }
                if (message.contains("could not be verified")) {
                    return "sslMode verify-full: the server's certificate does not name the host";
                }
                // "Connection closed during SSL negotiation": the socket closed, as when a server restarts
                continue;
            }
            if (t instanceof SSLException) {
                if (closedDuringHandshake(t)) {
                    return null;
                }
                if (causedBy(t, CertPathBuilderException.class) || causedBy(t, CertPathValidatorException.class) || causedBy(t, JDK_VALIDATOR_ERROR)) {
                    return "sslMode verify-ca or verify-full: the server's certificate chain does not lead to a trusted root (sslRootCert)";
                }
                if (causedBy(t, CertificateException.class)) {
                    return "sslMode verify-full: the server's certificate does not name the host";
                }
                return "the TLS handshake failed";
            }
        }
        return null;
    }

    /**
     * @param error a failure to open a connection
     * @return a {@link TlsSetupException} around {@code error} when it is a TLS set-up failure
     *         ({@link #tlsSetupFailure}), else {@code error} itself
     */
    static Throwable typedTlsSetupFailure(Throwable error) {
        String requirement = error instanceof TlsSetupException ? null : tlsSetupFailure(error);
        return requirement == null ? error : new TlsSetupException(requirement, error);
    }

    /**
     * The peer closed or reset the socket during the TLS handshake, or did not finish it in time
     * (the JDK's and Netty's ways of saying so): what a server restarting or waking does.
     */
    private static boolean closedDuringHandshake(Throwable tlsError) {
        if (tlsError instanceof SslHandshakeTimeoutException
                || tlsError.getMessage() != null && tlsError.getMessage().startsWith("Connection closed")) {
            // Netty's SslHandler: "Connection closed while SSL/TLS handshake was in progress"
            return true;
        }
        return !causedBy(tlsError, CertificateException.class) && (causedBy(tlsError, EOFException.class)
                || causedBy(tlsError, SocketException.class) || causedBy(tlsError, ClosedChannelException.class));
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error.getCause(); t != null && t != error; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedBy(Throwable error, String typeName) {
        for (Throwable t = error.getCause(); t != null && t != error; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getName().equals(typeName)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Walks the cause chain: the first SQLSTATE decides (class 08, or one of {@code states});
     * without one, a closed, reset or refused socket is a connection failure (TLS set-up failures
     * are told apart before, by {@link #tlsSetupFailure}). While connecting, the driver's own
     * connection errors count only when they carry no cause to look at.
     */
    private static boolean isConnectionFailure(Throwable error, Set<String> states, boolean connecting) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException) {
                String state = ((R2dbcException) t).getSqlState();
                if (state != null && !state.isEmpty()) {
                    return state.startsWith("08") || states.contains(state);
                }
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

    /**
     * TLS could not be set up as the connection options ask ({@link #tlsSetupFailure}): a
     * configuration mismatch between client and server, signalled on the first attempt instead
     * of being retried until the wake deadline. The driver's failure is the cause; its SQLSTATE is kept.
     */
    static final class TlsSetupException extends R2dbcNonTransientResourceException {

        private static final long serialVersionUID = 1L;

        /** Which requirement was not met, naming the {@code sslMode}. */
        final String requirement;

        TlsSetupException(String requirement, Throwable cause) {
            super("Cannot open a connection over TLS (" + requirement + "): " + describe(cause)
                    + ". Not retried: check sslMode, sslRootCert and the host name against the server's TLS set-up",
                    sqlState(cause), cause);
            this.requirement = requirement;
        }

        /** The driver's message and, when it is another, the TLS error's underneath. */
        private static String describe(Throwable cause) {
            String described = String.valueOf(cause.getMessage());
            for (Throwable t = cause.getCause(); t != null && t != cause; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof SSLException && t.getMessage() != null && !described.contains(t.getMessage())) {
                    described = described + ": " + t.getMessage();
                    break;
                }
            }
            return described.endsWith(".") ? described.substring(0, described.length() - 1) : described;
        }

        private static String sqlState(Throwable cause) {
            for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof R2dbcException && ((R2dbcException) t).getSqlState() != null) {
                    return ((R2dbcException) t).getSqlState();
                }
            }
            return null;
        }
    }
}

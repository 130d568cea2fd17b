package dev.tributary.emulator.pgwire;

/**
 * The gateway could not log in to the upstream server although the client was accepted: the
 * upstream asks for a method the gateway cannot answer (Kerberos, GSSAPI, SSPI), for a password
 * the {@link UpstreamLogin} lacks, or its SCRAM exchange failed. The client gets a FATAL
 * ErrorResponse of SQLSTATE {@value #SQL_STATE} with this message, which never holds a password.
 */
final class UpstreamLoginException extends RuntimeException {

    /** sqlserver_rejected_establishment_of_sqlconnection. */
    static final String SQL_STATE = "08004";

    private static final long serialVersionUID = 1L;

    UpstreamLoginException(String message) {
        super(message);
    }

    UpstreamLoginException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.tributary.emulator.pgwire;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A peer (client or database server) broke the PostgreSQL protocol during startup: a length out
 * of range, an unterminated string, an unexpected message. The gateway answers the client with a
 * FATAL ErrorResponse of SQLSTATE {@value #SQL_STATE} carrying this message, and closes the
 * session. Messages name what was wrong and where; they never carry a password.
 */
final class ProtocolViolationException extends CorruptedFrameException {

    /** protocol_violation. */
    static final String SQL_STATE = "08P01";

    private static final long serialVersionUID = 1L;

    ProtocolViolationException(String message) {
        super(message);
    }
}

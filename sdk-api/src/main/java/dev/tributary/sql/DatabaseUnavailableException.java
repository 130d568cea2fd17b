package dev.tributary.sql;

import io.r2dbc.spi.R2dbcTransientResourceException;

import java.time.Duration;

/**
 * No connection could be opened before the wake deadline ({@link PoolSettings#getWakeDeadline()}):
 * the database refused or dropped every attempt with a transient failure (asleep, starting up,
 * restarting, too many connections). Transient: trying again later may succeed. The message says
 * how long the SDK waited, how many attempts it made and the last failure, which is the cause.
 */
public class DatabaseUnavailableException extends R2dbcTransientResourceException {

    private static final long serialVersionUID = 1L;

    private final Duration waited;
    private final int attempts;

    /**
     * @param waited   how long the connect was retried
     * @param attempts how many connects were tried
     * @param last     the last failure; may be {@code null} when the deadline passed during the
     *                 first attempt
     */
    public DatabaseUnavailableException(Duration waited, int attempts, Throwable last) {
        super("The database did not accept a connection within " + waited.toMillis() + " ms (" + attempts
                + (attempts == 1 ? " attempt" : " attempts") + "); last failure: "
                + (last == null ? "none (the deadline passed while connecting)" : last.getMessage()), null, 0, (String) null, last);
        this.waited = waited;
        this.attempts = attempts;
    }

    /** @return how long the connect was retried */
    public Duration getWaited() {
        return this.waited;
    }

    /** @return how many connects were tried */
    public int getAttempts() {
        return this.attempts;
    }
}

package dev.tributary.sql;

/**
 * A snapshot of a {@link SqlClient}'s connections: pool gauges now, and counters since the client
 * was built. Gauges are 0 when the client does not pool.
 *
 * @param acquired               connections lent out now
 * @param idle                   connections idle in the pool now
 * @param pendingAcquires        acquires waiting for a connection now
 * @param allocated              connections open in the pool now (acquired + idle)
 * @param maxSize                the most connections the pool opens
 * @param connectionsOpened      connections opened since the client was built (a pool's and sessions')
 * @param connectRetries         connects retried after a transient failure (refused, reset, starting up)
 * @param staleConnectionsReplaced pooled connections found dead by validation and replaced
 * @param statementReruns        idempotent statements and retryable transactions run again after their
 *                               connection was lost
 * @param outcomeUnknown         writes and commits whose connection was lost after they were sent
 *                               ({@link OutcomeUnknownException})
 * @param connectionsDestroyedBroken pooled connections destroyed because they lost their server under a
 *                               statement (never lent again)
 * @param connectionsExpired     pooled connections destroyed because they were idle or alive too long
 * @param validations            validation round trips made before handing out a connection that sat idle
 */
public record PoolMetrics(int acquired, int idle, int pendingAcquires, int allocated, int maxSize,
                          long connectionsOpened, long connectRetries, long staleConnectionsReplaced,
                          long statementReruns, long outcomeUnknown, long connectionsDestroyedBroken, long connectionsExpired,
                          long validations) {
}

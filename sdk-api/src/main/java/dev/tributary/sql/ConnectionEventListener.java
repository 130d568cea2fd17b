package dev.tributary.sql;

/**
 * Hears what a {@link SqlClient} does to survive lost connections, as it happens (the same events
 * {@link SqlClient#metrics()} counts). Register with {@link SqlClientBuilder#listener}. Methods are
 * called on the driver's or the pool's threads: they must be quick and must not block. An
 * exception thrown by a listener is logged and otherwise ignored. Every method does nothing by
 * default.
 *
 * <pre>{@code
 * SqlClient db = Tributary.sql(url).listener(new ConnectionEventListener() {
 *     public void onOutcomeUnknown(String sql, Throwable cause) {
 *         alerts.warn("write of unknown outcome: " + sql);
 *     }
 * }).build();
 * }</pre>
 */
public interface ConnectionEventListener {

    /** @param attempt 1-based number of the connect that failed; @param failure why (not a secret) */
    default void onConnectRetry(int attempt, Throwable failure) {
    }

    /** @param reason why the pooled connection was found dead (its validation's failure) */
    default void onStaleConnectionReplaced(Throwable reason) {
    }

    /** @param sql the statement run again (secrets redacted), or {@code "transaction"}; @param cause the lost connection's error */
    default void onStatementRerun(String sql, Throwable cause) {
    }

    /** @param sql the write or {@code COMMIT} (secrets redacted); @param cause the lost connection's error */
    default void onOutcomeUnknown(String sql, Throwable cause) {
    }

    /** @param reason {@code "broken"} (it lost its server) or {@code "expired"} (idle or alive too long) */
    default void onConnectionDestroyed(String reason) {
    }

    /** @param passed whether a connection that sat idle answered its validation round trip */
    default void onValidation(boolean passed) {
    }
}

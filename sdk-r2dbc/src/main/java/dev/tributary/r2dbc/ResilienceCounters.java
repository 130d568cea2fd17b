package dev.tributary.r2dbc;

import dev.tributary.sql.ConnectionEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the client did to survive lost connections: the counters behind
 * {@link dev.tributary.sql.PoolMetrics}, told to the {@link ConnectionEventListener}s as it happens.
 */
final class ResilienceCounters {

    private static final Logger LOG = LoggerFactory.getLogger(ResilienceCounters.class);

    private final List<ConnectionEventListener> listeners;

    ResilienceCounters() {
        this(List.of());
    }

    ResilienceCounters(List<ConnectionEventListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectRetries = new LongAdder();
    final LongAdder staleConnectionsReplaced = new LongAdder();
    final LongAdder statementReruns = new LongAdder();
    final LongAdder outcomeUnknown = new LongAdder();
    final LongAdder connectionsDestroyedBroken = new LongAdder();
    final LongAdder connectionsExpired = new LongAdder();
    final LongAdder validations = new LongAdder();

    /** Driver connections that lost their server under a statement: destroyed when released, never lent again. */
    final Set<Object> broken = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /**
     * Marks a connection broken by its innermost (driver) connection, the object the pool holds.
     *
     * @param connection the connection as the statement saw it (perhaps a pool's wrapper)
     */
    void markBroken(io.r2dbc.spi.Connection connection) {
        this.broken.add(DriverConnection.of(connection));
    }

    void connectionOpened() {
        this.connectionsOpened.increment();
    }

    void connectRetried(int attempt, Throwable failure) {
        this.connectRetries.increment();
        tell(l -> l.onConnectRetry(attempt, failure));
    }

    void staleConnectionReplaced(Throwable reason) {
        this.staleConnectionsReplaced.increment();
        tell(l -> l.onStaleConnectionReplaced(reason));
    }

    void statementRerun(String sql, Throwable cause) {
        this.statementReruns.increment();
        tell(l -> l.onStatementRerun(sql, cause));
    }

    void outcomeUnknown(String sql, Throwable cause) {
        this.outcomeUnknown.increment();
        tell(l -> l.onOutcomeUnknown(sql, cause));
    }

    void connectionDestroyed(boolean broken) {
        (broken ? this.connectionsDestroyedBroken : this.connectionsExpired).increment();
        tell(l -> l.onConnectionDestroyed(broken ? "broken" : "expired"));
    }

    void validated(boolean passed) {
        this.validations.increment();
        tell(l -> l.onValidation(passed));
    }

    private void tell(Consumer<ConnectionEventListener> event) {
        for (ConnectionEventListener listener : this.listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("A ConnectionEventListener ({}) failed: {}", listener.getClass().getName(), e.toString());
            }
        }
    }
}

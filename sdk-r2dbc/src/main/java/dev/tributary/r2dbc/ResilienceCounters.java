package dev.tributary.r2dbc;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link dev.tributary.sql.PoolMetrics}: what the client did to survive lost connections. */
final class ResilienceCounters {

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
}

package dev.tributary.r2dbc;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link dev.tributary.sql.PoolMetrics}: what the client did to survive lost connections. */
final class ResilienceCounters {

    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectRetries = new LongAdder();
    final LongAdder staleConnectionsReplaced = new LongAdder();
    final LongAdder statementReruns = new LongAdder();
    final LongAdder outcomeUnknown = new LongAdder();
}

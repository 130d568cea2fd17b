package dev.tributary.benchmarks.sql;

import java.time.Duration;

/**
 * A database client under test. Each works on the same server, database and tables with a pool of
 * the same size; what a contender cannot do (pgbench cannot stream into the JVM) it says through
 * {@link #supports}.
 */
abstract class Contender implements AutoCloseable {

    private final String name;

    Contender(String name) {
        this.name = name;
    }

    /** @return the name shown in the tables */
    final String name() {
        return this.name;
    }

    /** @return whether it can run {@code workload} */
    boolean supports(Workload workload) {
        return true;
    }

    /** @return whether it can stream rows into this JVM */
    boolean streams() {
        return true;
    }

    /**
     * One closed-loop round of {@code workload}.
     *
     * @param keys        the key space (rows of the table)
     * @param concurrency callers
     * @param duration    how long
     * @return what the round did
     */
    abstract LoopResult closedLoop(Workload workload, long keys, int concurrency, Duration duration);

    /**
     * Streams the first {@code rows} items into {@code consumer}, with backpressure.
     *
     * @param rows     rows to read
     * @param consumer the consumer (its cost per row decides slow or fast)
     * @return rows read
     */
    abstract long stream(long rows, RowConsumer consumer);

    @Override
    public abstract void close();

    @Override
    public String toString() {
        return this.name;
    }
}

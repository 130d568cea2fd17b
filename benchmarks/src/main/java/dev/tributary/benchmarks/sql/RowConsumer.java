package dev.tributary.benchmarks.sql;

import java.util.concurrent.locks.LockSupport;

/**
 * The consumer of the streaming scenario. Fast: folds each row into a digest. Slow: the same, plus
 * a pause of {@code pauseNanos} every {@code pauseEvery} rows (parking a thread of its own, so the
 * client must hold the rest of the result back: backpressure). Not thread-safe: one stream at a time.
 */
final class RowConsumer {

    private final long pauseEvery;
    private final long pauseNanos;
    private long rows;
    private long digest;
    private long probeAt = -1;
    private Runnable probe;

    private RowConsumer(long pauseEvery, long pauseNanos) {
        this.pauseEvery = pauseEvery;
        this.pauseNanos = pauseNanos;
    }

    static RowConsumer fast() {
        return new RowConsumer(0, 0);
    }

    /**
     * @param pauseEvery rows between pauses
     * @param pauseNanos the pause
     * @return a slow consumer
     */
    static RowConsumer slow(long pauseEvery, long pauseNanos) {
        return new RowConsumer(pauseEvery, pauseNanos);
    }

    /**
     * @param row   after which row the probe runs (once)
     * @param probe what runs then, on the consumer's thread
     * @return this consumer
     */
    RowConsumer probeAt(long row, Runnable probe) {
        this.probeAt = row;
        this.probe = probe;
        return this;
    }

    boolean isSlow() {
        return this.pauseEvery > 0;
    }

    void accept(Item item) {
        this.digest += item.digest();
        this.rows++;
        if (this.rows == this.probeAt) {
            this.probe.run();
        }
        if (this.pauseEvery > 0 && this.rows % this.pauseEvery == 0) {
            LockSupport.parkNanos(this.pauseNanos);
        }
    }

    long rows() {
        return this.rows;
    }

    long digest() {
        return this.digest;
    }
}

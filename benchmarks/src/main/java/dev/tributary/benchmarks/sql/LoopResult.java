package dev.tributary.benchmarks.sql;

import org.HdrHistogram.Histogram;

/**
 * One closed-loop round: operations completed, errors, elapsed time and the latencies.
 *
 * @param operations   operations that completed successfully
 * @param errors       operations that signalled an error
 * @param elapsedNanos the round's duration
 * @param latency      latencies of the successful operations, in microseconds
 */
public record LoopResult(long operations, long errors, long elapsedNanos, Histogram latency) {

    /** @return successful operations per second */
    public double throughput() {
        return this.operations * 1e9 / this.elapsedNanos;
    }

    /** @return the median latency in milliseconds ({@code NaN} without operations) */
    public double p50Millis() {
        return this.operations == 0 ? Double.NaN : this.latency.getValueAtPercentile(50) / 1000.0;
    }

    /** @return the 99th percentile latency in milliseconds ({@code NaN} without operations) */
    public double p99Millis() {
        return this.operations == 0 ? Double.NaN : this.latency.getValueAtPercentile(99) / 1000.0;
    }
}

package dev.tributary.benchmarks;

import java.time.Duration;

/**
 * How long and how often each measurement runs. Immutable.
 *
 * @param warmup     closed-loop warm-up of each contender before its rounds
 * @param duration   one closed-loop round
 * @param rounds     rounds per contender (the median is quoted)
 * @param poolSize   connections per client (every contender's pool has this size)
 * @param streamRows rows of the streaming scenario
 */
public record RunSettings(Duration warmup, Duration duration, int rounds, int poolSize, long streamRows) {

    public RunSettings {
        if (warmup.isNegative() || duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("warm-up must not be negative and duration must be positive, were " + warmup + " and "
                    + duration);
        }
        if (rounds < 1 || poolSize < 1 || streamRows < 1) {
            throw new IllegalArgumentException("rounds, pool size and stream rows must be positive, were " + rounds + ", " + poolSize
                    + ", " + streamRows);
        }
    }
}

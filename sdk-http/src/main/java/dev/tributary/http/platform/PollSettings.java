package dev.tributary.http.platform;

import java.time.Duration;
import java.util.Objects;

/**
 * How import and export jobs are polled until they end: the wait before the first poll, a
 * backoff between polls that doubles from {@code firstBackoff} up to {@code maxBackoff}, how many
 * transiently failed polls in a row are tried again, and a deadline for the whole wait. Immutable;
 * start from {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * <pre>{@code
 * PollSettings patient = PollSettings.defaults()
 *         .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10))
 *         .withDeadline(Duration.ofMinutes(30));
 * Mono<ImportJob> done = platform.imports().awaitCompletion(job, patient);
 * }</pre>
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>{@code defaults()}</th></tr>
 *   <tr><td>initialDelay</td><td>0 (the first poll is sent at once)</td></tr>
 *   <tr><td>firstBackoff</td><td>250 ms</td></tr>
 *   <tr><td>maxBackoff</td><td>5 s</td></tr>
 *   <tr><td>deadline</td><td>10 min, from subscription</td></tr>
 *   <tr><td>maxPollRetries</td><td>3 (a poll that fails with a transient error: 429, 503, a reset)</td></tr>
 * </table>
 */
public final class PollSettings {

    private static final PollSettings DEFAULTS = new PollSettings(Duration.ZERO, Duration.ofMillis(250),
            Duration.ofSeconds(5), Duration.ofMinutes(10), 3);

    private final Duration initialDelay;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration deadline;
    private final int maxPollRetries;

    private PollSettings(Duration initialDelay, Duration firstBackoff, Duration maxBackoff, Duration deadline,
                         int maxPollRetries) {
        this.initialDelay = initialDelay;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.deadline = deadline;
        this.maxPollRetries = maxPollRetries;
    }

    /** @return the defaults (see the table above) */
    public static PollSettings defaults() {
        return DEFAULTS;
    }

    /**
     * @param initialDelay the wait before the first poll; not negative
     * @return new settings with that initial delay
     * @throws IllegalArgumentException if it is negative
     */
    public PollSettings withInitialDelay(Duration initialDelay) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("initialDelay must not be negative, was " + initialDelay);
        }
        return new PollSettings(initialDelay, this.firstBackoff, this.maxBackoff, this.deadline, this.maxPollRetries);
    }

    /**
     * @param first the wait after the first status; positive
     * @param max   the longest wait between two polls (the wait doubles after each status up to it);
     *              at least {@code first}
     * @return new settings with that backoff
     * @throws IllegalArgumentException unless {@code 0 < first <= max}
     */
    public PollSettings withBackoff(Duration first, Duration max) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("poll backoff needs 0 < first <= max, was " + first + ", " + max);
        }
        return new PollSettings(this.initialDelay, first, max, this.deadline, this.maxPollRetries);
    }

    /**
     * @param deadline how long to wait for the job to end, in total, from subscription; positive.
     *                 When it passes, polling stops with a
     *                 {@link dev.tributary.http.polling.JobTimeoutException} (the job itself goes on)
     * @return new settings with that deadline
     * @throws IllegalArgumentException if it is not positive
     */
    public PollSettings withDeadline(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        return new PollSettings(this.initialDelay, this.firstBackoff, this.maxBackoff, deadline, this.maxPollRetries);
    }

    /**
     * @param maxPollRetries how many times in a row a poll that failed transiently is tried again
     *                       (0 = never); not negative. The HTTP client's own retries come first:
     *                       this counts polls whose retries all failed
     * @return new settings with that limit
     * @throws IllegalArgumentException if it is negative
     */
    public PollSettings withMaxPollRetries(int maxPollRetries) {
        if (maxPollRetries < 0) {
            throw new IllegalArgumentException("maxPollRetries must not be negative, was " + maxPollRetries);
        }
        return new PollSettings(this.initialDelay, this.firstBackoff, this.maxBackoff, this.deadline, maxPollRetries);
    }

    /** @return the wait before the first poll */
    public Duration getInitialDelay() {
        return this.initialDelay;
    }

    /** @return the wait after the first status */
    public Duration getFirstBackoff() {
        return this.firstBackoff;
    }

    /** @return the longest wait between two polls */
    public Duration getMaxBackoff() {
        return this.maxBackoff;
    }

    /** @return how long polling may last in total */
    public Duration getDeadline() {
        return this.deadline;
    }

    /** @return how many transiently failed polls in a row are tried again */
    public int getMaxPollRetries() {
        return this.maxPollRetries;
    }

    @Override
    public String toString() {
        return "PollSettings{initialDelay=" + this.initialDelay + ", backoff=" + this.firstBackoff + ".." + this.maxBackoff
                + ", deadline=" + this.deadline + ", maxPollRetries=" + this.maxPollRetries + '}';
    }
}

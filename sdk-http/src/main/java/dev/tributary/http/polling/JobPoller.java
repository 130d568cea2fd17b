package dev.tributary.http.polling;

import dev.tributary.http.HttpException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a job (an import, an export) until it reaches a terminal state, as data flow (Azure's
 * {@code PollerFlux}): {@code Mono.defer(poll).delaySubscription(nextDelay).repeat().takeUntil(terminal)},
 * bounded by a deadline. Immutable and cold: every subscription to {@link #progress()} or
 * {@link #awaitCompletion()} polls on its own, and cancelling it stops polling (no request is sent
 * afterwards).
 * <p>
 * Delays: the first poll is sent after {@code initialDelay} (default none); after each status, the
 * next poll waits for the service's hint when {@code delayHint} gives one, else for a backoff that
 * starts at {@code first} (default 250 ms) and doubles up to {@code max} (default 5 s).
 * A poll that fails transiently ({@code isTransient}, by default a transient {@link HttpException})
 * is tried again, up to {@code maxPollRetries} (default 3) consecutive times with the same backoff;
 * any other failure, or one too many, ends polling with that failure. A poll that completes empty
 * is an {@link IllegalStateException}. All time comes from {@code scheduler} (virtual time in tests).
 *
 * <pre>{@code
 * JobPoller<ImportJob> poller = JobPoller.builder("import", job.id(),
 *                 () -> client.get(job.statusUrl()).retrieve(ImportJob.class))
 *         .terminalWhen(j -> j.state().equals("DONE") || j.state().equals("FAILED"))
 *         .failure(j -> j.state().equals("FAILED")
 *                 ? new JobFailedException("import", j.id(), j.state(), j.errorId(), j.errorType(), j.errorDetails())
 *                 : null)
 *         .stateOf(ImportJob::state)
 *         .deadline(Duration.ofMinutes(10))
 *         .build();
 * Mono<ImportJob> done = poller.awaitCompletion();
 * }</pre>
 *
 * @param <S> the status type
 */
public final class JobPoller<S> {

    private final String kind;
    private final String jobId;
    private final Supplier<? extends Mono<? extends S>> poll;
    private final Predicate<? super S> terminal;
    private final Function<? super S, ? extends Throwable> failure;
    private final Function<? super S, String> stateOf;
    private final Function<? super S, Duration> delayHint;
    private final Duration initialDelay;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration deadline;
    private final int maxPollRetries;
    private final Predicate<? super Throwable> isTransient;
    private final Scheduler scheduler;

    private JobPoller(Builder<S> b) {
        this.kind = b.kind;
        this.jobId = b.jobId;
        this.poll = b.poll;
        this.terminal = b.terminal;
        this.failure = b.failure;
        this.stateOf = b.stateOf;
        this.delayHint = b.delayHint;
        this.initialDelay = b.initialDelay;
        this.firstBackoff = b.firstBackoff;
        this.maxBackoff = b.maxBackoff;
        this.deadline = b.deadline;
        this.maxPollRetries = b.maxPollRetries;
        this.isTransient = b.isTransient;
        this.scheduler = b.scheduler;
    }

    /**
     * @param kind   what the job is, for messages, e.g. {@code import}
     * @param jobId  the job's id, for messages
     * @param poll   fetches the job's current status once per call (a new {@code Mono} each time)
     * @param <S>    the status type
     * @return a builder
     */
    public static <S> Builder<S> builder(String kind, String jobId, Supplier<? extends Mono<? extends S>> poll) {
        return new Builder<>(kind, jobId, poll);
    }

    /**
     * Every status observed, in order, all of them (not only changes), ending with the terminal one.
     *
     * @return the statuses; completes after a successful terminal status; onError the
     * {@code failure} of a failed terminal status (typically {@link JobFailedException}), emitted after
     * that status; {@link JobTimeoutException} when the deadline passes first; the poll's own failure
     * when it is not transient or retries run out
     */
    public Flux<S> progress() {
        return JobPolling.progress(this);
    }

    /**
     * @return the terminal status when it is a success; onError as {@link #progress()}
     */
    public Mono<S> awaitCompletion() {
        return progress().last();
    }

    String kind() {
        return this.kind;
    }

    String jobId() {
        return this.jobId;
    }

    Supplier<? extends Mono<? extends S>> poll() {
        return this.poll;
    }

    Predicate<? super S> terminal() {
        return this.terminal;
    }

    Function<? super S, ? extends Throwable> failure() {
        return this.failure;
    }

    Function<? super S, String> stateOf() {
        return this.stateOf;
    }

    Function<? super S, Duration> delayHint() {
        return this.delayHint;
    }

    Duration initialDelay() {
        return this.initialDelay;
    }

    Duration firstBackoff() {
        return this.firstBackoff;
    }

    Duration maxBackoff() {
        return this.maxBackoff;
    }

    Duration deadline() {
        return this.deadline;
    }

    int maxPollRetries() {
        return this.maxPollRetries;
    }

    Predicate<? super Throwable> isTransient() {
        return this.isTransient;
    }

    Scheduler scheduler() {
        return this.scheduler;
    }

    @Override
    public String toString() {
        return "JobPoller{" + this.kind + ' ' + this.jobId + ", deadline=" + this.deadline + '}';
    }

    /**
     * Builds a {@link JobPoller}; not thread-safe. {@link #terminalWhen(Predicate)} is required.
     *
     * @param <S> the status type
     */
    public static final class Builder<S> {

        private final String kind;
        private final String jobId;
        private final Supplier<? extends Mono<? extends S>> poll;
        private Predicate<? super S> terminal;
        private Function<? super S, ? extends Throwable> failure = status -> null;
        private Function<? super S, String> stateOf = String::valueOf;
        private Function<? super S, Duration> delayHint = status -> null;
        private Duration initialDelay = Duration.ZERO;
        private Duration firstBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration deadline = Duration.ofMinutes(10);
        private int maxPollRetries = 3;
        private Predicate<? super Throwable> isTransient = e -> e instanceof HttpException && ((HttpException) e).isTransient();
        private Scheduler scheduler = Schedulers.parallel();

        private Builder(String kind, String jobId, Supplier<? extends Mono<? extends S>> poll) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.jobId = Objects.requireNonNull(jobId, "jobId");
            this.poll = Objects.requireNonNull(poll, "poll");
        }

        /**
         * @param terminal whether a status is final (succeeded or failed); required
         * @return this builder
         */
        public Builder<S> terminalWhen(Predicate<? super S> terminal) {
            this.terminal = Objects.requireNonNull(terminal, "terminal");
            return this;
        }

        /**
         * @param failure the error a terminal status stands for, or {@code null} when it is a success
         *                (default: every terminal status is a success)
         * @return this builder
         */
        public Builder<S> failure(Function<? super S, ? extends Throwable> failure) {
            this.failure = Objects.requireNonNull(failure, "failure");
            return this;
        }

        /**
         * @param stateOf the state name of a status, for {@link JobTimeoutException} (default {@code toString()})
         * @return this builder
         */
        public Builder<S> stateOf(Function<? super S, String> stateOf) {
            this.stateOf = Objects.requireNonNull(stateOf, "stateOf");
            return this;
        }

        /**
         * @param delayHint the delay before the next poll that the service asked for in a status (or a
         *                  header the poll captured), or {@code null} for none; overrides the backoff
         * @return this builder
         */
        public Builder<S> delayHint(Function<? super S, Duration> delayHint) {
            this.delayHint = Objects.requireNonNull(delayHint, "delayHint");
            return this;
        }

        /**
         * @param initialDelay the wait before the first poll (default none); not negative
         * @return this builder
         */
        public Builder<S> initialDelay(Duration initialDelay) {
            Objects.requireNonNull(initialDelay, "initialDelay");
            if (initialDelay.isNegative()) {
                throw new IllegalArgumentException("initialDelay must not be negative, was " + initialDelay);
            }
            this.initialDelay = initialDelay;
            return this;
        }

        /**
         * @param first the delay after the first status without a hint (default 250 ms); positive
         * @param max   the longest delay; the delay doubles after each status up to it (default 5 s)
         * @return this builder
         */
        public Builder<S> backoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < first <= max, was " + first + ", " + max);
            }
            this.firstBackoff = first;
            this.maxBackoff = max;
            return this;
        }

        /**
         * @param deadline how long to poll in total, from subscription (default 10 min); positive
         * @return this builder
         */
        public Builder<S> deadline(Duration deadline) {
            Objects.requireNonNull(deadline, "deadline");
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("deadline must be positive, was " + deadline);
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * @param maxPollRetries how many times in a row a transiently failed poll is tried again
         *                       (default 3; 0 = never); not negative
         * @return this builder
         */
        public Builder<S> maxPollRetries(int maxPollRetries) {
            if (maxPollRetries < 0) {
                throw new IllegalArgumentException("maxPollRetries must not be negative, was " + maxPollRetries);
            }
            this.maxPollRetries = maxPollRetries;
            return this;
        }

        /**
         * @param isTransient which poll failures are tried again (default: transient {@link HttpException}s)
         * @return this builder
         */
        public Builder<S> isTransient(Predicate<? super Throwable> isTransient) {
            this.isTransient = Objects.requireNonNull(isTransient, "isTransient");
            return this;
        }

        /**
         * @param scheduler the scheduler of delays and the deadline (default {@code Schedulers.parallel()})
         * @return this builder
         */
        public Builder<S> scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @return the poller
         * @throws IllegalStateException when {@code terminalWhen} was not set
         */
        public JobPoller<S> build() {
            if (this.terminal == null) {
                throw new IllegalStateException("terminalWhen(...) is required: polling must know when to stop");
            }
            return new JobPoller<>(this);
        }
    }
}

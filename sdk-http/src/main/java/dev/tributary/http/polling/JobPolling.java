package dev.tributary.http.polling;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The polling flow of a {@link JobPoller}: one {@link Run} per subscription. */
final class JobPolling {

    private JobPolling() {
    }

    static <S> Flux<S> progress(JobPoller<S> poller) {
        return Flux.defer(() -> new Run<>(poller).statuses());
    }

    /** The state of one subscription: the last status, the polls, the next delay, the deadline. */
    private static final class Run<S> {

        private final JobPoller<S> poller;
        private final Scheduler scheduler;
        private final long deadlineAt;
        private volatile S last;
        private volatile long polls;
        private volatile Duration nextDelay;
        private Duration backoff;

        Run(JobPoller<S> poller) {
            this.poller = poller;
            this.scheduler = poller.scheduler();
            this.deadlineAt = this.scheduler.now(TimeUnit.MILLISECONDS) + poller.deadline().toMillis();
            this.nextDelay = poller.initialDelay();
        }

        Flux<S> statuses() {
            Mono<S> pollOnce = Mono.<S>defer(() -> this.poller.poll().get())
                    .switchIfEmpty(Mono.error(() -> new IllegalStateException(this.poller.kind() + " job "
                            + this.poller.jobId() + ": a poll completed without a status")))
                    .retryWhen(Retry.backoff(this.poller.maxPollRetries(), this.poller.firstBackoff())
                            .maxBackoff(this.poller.maxBackoff())
                            .filter(this.poller.isTransient())
                            .scheduler(this.scheduler)
                            .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                    .doOnNext(this::observed);
            return Mono.defer(() -> {
                        Duration delay = this.nextDelay;
                        return delay.isZero() ? pollOnce : pollOnce.delaySubscription(delay, this.scheduler);
                    })
                    .repeat()
                    .takeUntil(status -> this.poller.terminal().test(status))
                    .concatMap(status -> {
                        if (this.poller.terminal().test(status)) {
                            Throwable failure = this.poller.failure().apply(status);
                            if (failure != null) {
                                return Flux.concat(Mono.just(status), Mono.error(failure));
                            }
                        }
                        return Mono.just(status);
                    })
                    .timeout(Mono.delay(this.poller.deadline(), this.scheduler),
                            status -> Mono.delay(Duration.ofMillis(remaining()), this.scheduler),
                            Flux.defer(() -> Flux.error(timedOut())));
        }

        private void observed(S status) {
            this.last = status;
            this.polls++;
            Duration hint = this.poller.delayHint().apply(status);
            if (hint != null && !hint.isNegative()) {
                this.nextDelay = hint;
                return;
            }
            this.backoff = this.backoff == null ? this.poller.firstBackoff() : this.backoff.multipliedBy(2);
            if (this.backoff.compareTo(this.poller.maxBackoff()) > 0) {
                this.backoff = this.poller.maxBackoff();
            }
            this.nextDelay = this.backoff;
        }

        private long remaining() {
            return Math.max(0, this.deadlineAt - this.scheduler.now(TimeUnit.MILLISECONDS));
        }

        private JobTimeoutException timedOut() {
            S status = this.last;
            return new JobTimeoutException(this.poller.kind(), this.poller.jobId(), this.poller.deadline(),
                    status == null ? null : this.poller.stateOf().apply(status), this.polls);
        }
    }
}

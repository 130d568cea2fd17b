package dev.tributary.http.polling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tributary.http.HttpNotFoundException;
import dev.tributary.http.HttpTransientException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class JobPollerTest {

    /** A job status as bit.io's ImportJob has it, plus an optional hint. */
    record Job(String id, String state, String errorId, String errorType, JsonNode details, Duration hint) {
        static Job of(String state) {
            return new Job("imp-1", state, null, null, null, null);
        }
    }

    private static final Object NO_STATUS = new Object();

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final List<Long> pollTimes = new ArrayList<>();

    /** Answers polls from a script (the last answer repeats), recording the virtual time of each. */
    private Supplier<Mono<Job>> script(Object... answers) {
        Deque<Object> queue = new ArrayDeque<>();
        java.util.Collections.addAll(queue, answers);
        return () -> Mono.defer(() -> {
            this.pollTimes.add(this.time.now(TimeUnit.MILLISECONDS));
            Object answer = queue.size() > 1 ? queue.poll() : queue.peek();
            if (answer == NO_STATUS) {
                return Mono.empty();
            }
            if (answer instanceof RuntimeException) {
                return Mono.error((RuntimeException) answer);
            }
            return Mono.justOrEmpty((Job) answer);
        });
    }

    private JobPoller.Builder<Job> poller(Supplier<Mono<Job>> poll) {
        return JobPoller.builder("import", "imp-1", poll)
                .terminalWhen(job -> job.state().equals("DONE") || job.state().equals("FAILED"))
                .failure(job -> job.state().equals("FAILED")
                        ? new JobFailedException("import", job.id(), job.state(), job.errorId(), job.errorType(), job.details())
                        : null)
                .stateOf(Job::state)
                .delayHint(Job::hint)
                .scheduler(this.time);
    }

    @Test
    void backsOffFrom250MillisecondsDoublingToTheCap() {
        JobPoller<Job> poller = poller(script(Job.of("RECEIVED"), Job.of("PROCESSING"), Job.of("PROCESSING"),
                Job.of("PROCESSING"), Job.of("PROCESSING"), Job.of("PROCESSING"), Job.of("DONE")))
                .backoff(Duration.ofMillis(250), Duration.ofSeconds(2))
                .build();
        StepVerifier.withVirtualTime(poller::progress, () -> this.time, Long.MAX_VALUE)
                .expectNextMatches(job -> job.state().equals("RECEIVED"))
                .thenAwait(Duration.ofMinutes(1))
                .expectNextCount(5)
                .expectNextMatches(job -> job.state().equals("DONE"))
                .verifyComplete();
        // every status is emitted, not only changes; delays 250, 500, 1000, 2000, 2000, 2000 ms
        assertThat(this.pollTimes).containsExactly(0L, 250L, 750L, 1750L, 3750L, 5750L, 7750L);
    }

    @Test
    void waitsForTheServicesHintInsteadOfTheBackoff() {
        Job hinted = new Job("imp-1", "PROCESSING", null, null, null, Duration.ofSeconds(3));
        JobPoller<Job> poller = poller(script(hinted, hinted, Job.of("DONE"))).initialDelay(Duration.ofMillis(100)).build();
        StepVerifier.withVirtualTime(poller::awaitCompletion, () -> this.time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(10))
                .expectNextMatches(job -> job.state().equals("DONE"))
                .verifyComplete();
        assertThat(this.pollTimes).containsExactly(100L, 3100L, 6100L);
    }

    @Test
    void aFailedJobIsATypedErrorAfterItsStatus() {
        JsonNode details = JsonNodeFactory.instance.objectNode().put("line", 17).put("reason", "bad quoting");
        Job failed = new Job("imp-1", "FAILED", "err-9", "CSVParseError", details, null);
        JobPoller<Job> poller = poller(script(Job.of("PROCESSING"), failed)).build();
        StepVerifier.withVirtualTime(poller::progress, () -> this.time, Long.MAX_VALUE)
                .expectNextMatches(job -> job.state().equals("PROCESSING"))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext(failed)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(JobFailedException.class)
                            .hasMessage("import job imp-1 ended FAILED: CSVParseError (error id err-9); details: "
                                    + "{\"line\":17,\"reason\":\"bad quoting\"}");
                    JobFailedException f = (JobFailedException) e;
                    assertThat(f.getJobId()).isEqualTo("imp-1");
                    assertThat(f.getErrorId()).contains("err-9");
                    assertThat(f.getErrorType()).contains("CSVParseError");
                    assertThat(f.getDetails()).contains(details);
                })
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void theDeadlineEndsPollingWithATypedErrorNamingTheLastState() {
        JobPoller<Job> poller = poller(script(Job.of("RECEIVED"), Job.of("PROCESSING")))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .deadline(Duration.ofMillis(4500))
                .build();
        StepVerifier.withVirtualTime(poller::awaitCompletion, () -> this.time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(5))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(JobTimeoutException.class)
                            .hasMessage("import job imp-1 did not finish within 4500 ms; last state: PROCESSING after 5 polls");
                    assertThat(((JobTimeoutException) e).getLastState()).isEqualTo("PROCESSING");
                })
                .verify(Duration.ofSeconds(5));
        this.time.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(this.pollTimes).containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
    }

    @Test
    void cancellingStopsPolling() {
        JobPoller<Job> poller = poller(script(Job.of("PROCESSING"))).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build();
        StepVerifier.withVirtualTime(poller::progress, () -> this.time, Long.MAX_VALUE)
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(2))
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        this.time.advanceTimeBy(Duration.ofHours(1));
        assertThat(this.pollTimes).containsExactly(0L, 1000L, 2000L);
    }

    @Test
    void retriesATransientlyFailedPoll() {
        HttpTransientException unavailable = new HttpTransientException("GET /import/imp-1: 503", "GET", "/import/imp-1", 503,
                null, null, null);
        JobPoller<Job> poller = poller(script(Job.of("RECEIVED"), unavailable, unavailable, Job.of("DONE")))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(4)).build();
        StepVerifier.withVirtualTime(poller::awaitCompletion, () -> this.time, Long.MAX_VALUE)
                .thenAwait(Duration.ofMinutes(1))
                .expectNextMatches(job -> job.state().equals("DONE"))
                .verifyComplete();
        assertThat(this.pollTimes).hasSize(4);
    }

    @Test
    void stopsOnAPermanentPollFailure() {
        HttpNotFoundException gone = new HttpNotFoundException("GET /import/imp-1: 404", "GET", "/import/imp-1", 404, null);
        JobPoller<Job> lost = poller(script(Job.of("RECEIVED"), gone, Job.of("DONE"))).build();
        StepVerifier.withVirtualTime(lost::awaitCompletion, () -> this.time, Long.MAX_VALUE)
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(gone))
                .verify(Duration.ofSeconds(5));
        assertThat(this.pollTimes).hasSize(2);
    }

    @Test
    void givesUpAfterTooManyTransientFailuresInARow() {
        HttpTransientException unavailable = new HttpTransientException("503", "GET", "/import/imp-1", 503, null, null, null);
        JobPoller<Job> poller = poller(script(unavailable)).maxPollRetries(2).build();
        StepVerifier.withVirtualTime(poller::awaitCompletion, () -> this.time, Long.MAX_VALUE)
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(unavailable))
                .verify(Duration.ofSeconds(5));
        assertThat(this.pollTimes).hasSize(3);
    }

    @Test
    void anEmptyPollIsAnErrorNotAHang() {
        JobPoller<Job> poller = poller(script(NO_STATUS)).maxPollRetries(0).build();
        StepVerifier.withVirtualTime(poller::awaitCompletion, () -> this.time, Long.MAX_VALUE)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessage("import job imp-1: a poll completed without a status"))
                .verify(Duration.ofSeconds(5));
    }
}

package dev.tributary.http;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static HttpTransientException unavailable(Duration retryAfter) {
        return new HttpTransientException("503", "GET", "https://x/", 503, null, retryAfter, null);
    }

    @Test
    void retriesOnlyIdempotentMethodsUnlessNothingWasSent() {
        assertThat(RetryPolicy.isIdempotent(HttpMethod.GET)).isTrue();
        assertThat(RetryPolicy.isIdempotent(HttpMethod.HEAD)).isTrue();
        assertThat(RetryPolicy.isIdempotent(HttpMethod.PUT)).isTrue();
        assertThat(RetryPolicy.isIdempotent(HttpMethod.DELETE)).isTrue();
        assertThat(RetryPolicy.isIdempotent(HttpMethod.OPTIONS)).isTrue();
        assertThat(RetryPolicy.isIdempotent(HttpMethod.POST)).isFalse();
        assertThat(RetryPolicy.isIdempotent(HttpMethod.PATCH)).isFalse();

        HttpConnectionException refused = new HttpConnectionException("refused", "POST", "https://x/", 0, false, null);
        HttpConnectionException reset = new HttpConnectionException("reset", "POST", "https://x/", 0, true, null);
        assertThat(RetryPolicy.shouldRetry(refused, false)).isTrue();
        assertThat(RetryPolicy.shouldRetry(reset, false)).isFalse();
        assertThat(RetryPolicy.shouldRetry(reset, true)).isTrue();
        assertThat(RetryPolicy.shouldRetry(unavailable(null), false)).isFalse();
        assertThat(RetryPolicy.shouldRetry(unavailable(null), true)).isTrue();
        assertThat(RetryPolicy.shouldRetry(new HttpNotFoundException("404", "GET", "https://x/", 404, null), true)).isFalse();
        assertThat(RetryPolicy.shouldRetry(new IllegalStateException(), true)).isFalse();
    }

    @Test
    void honoursRetryAfterUpToTheCap() {
        RetrySettings settings = RetrySettings.builder().maxRetryAfter(Duration.ofSeconds(30)).build();
        assertThat(RetryPolicy.delay(settings, unavailable(Duration.ofSeconds(7)), 0)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryPolicy.delay(settings, unavailable(Duration.ofHours(2)), 0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void backsOffExponentiallyWithinTheJitter() {
        RetrySettings settings = RetrySettings.builder().backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).jitter(0.5).build();
        for (int i = 0; i < 200; i++) {
            assertThat(RetryPolicy.delay(settings, unavailable(null), 0).toMillis()).isBetween(50L, 150L);
            assertThat(RetryPolicy.delay(settings, unavailable(null), 2).toMillis()).isBetween(200L, 600L);
            assertThat(RetryPolicy.delay(settings, unavailable(null), 10).toMillis()).isBetween(500L, 1000L);
            assertThat(RetryPolicy.delay(settings, unavailable(null), 100).toMillis()).isBetween(500L, 1000L);
        }
        RetrySettings exact = settings.toBuilder().jitter(0).build();
        assertThat(RetryPolicy.delay(exact, unavailable(null), 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(RetryPolicy.delay(exact, unavailable(null), 1)).isEqualTo(Duration.ofMillis(200));
        assertThat(RetryPolicy.delay(exact, unavailable(null), 3)).isEqualTo(Duration.ofMillis(800));
        assertThat(RetryPolicy.delay(exact, unavailable(null), 4)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void signalsTheLastFailureWhenAttemptsRunOut() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        RetrySettings settings = RetrySettings.builder().maxAttempts(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .jitter(0).build();
        AtomicInteger attempts = new AtomicInteger();
        Flux<Object> failing = Flux.defer(() -> Flux.error(unavailable(null)).doOnSubscribe(s -> attempts.incrementAndGet()));
        StepVerifier.withVirtualTime(() -> failing.retryWhen(RetryPolicy.retry(settings, true, () -> true, time)), () -> time, 1)
                .expectSubscription()
                .then(() -> assertThat(attempts).hasValue(1))
                .thenAwait(Duration.ofSeconds(1))
                .then(() -> assertThat(attempts).hasValue(2))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HttpTransientException.class).hasMessage("503"))
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(3);
    }

    @Test
    void neverRetriesOnceSomethingWasEmitted() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        AtomicInteger attempts = new AtomicInteger();
        Flux<Object> failing = Flux.defer(() -> Flux.<Object>concat(Flux.just("first"), Flux.error(unavailable(null)))
                .doOnSubscribe(s -> attempts.incrementAndGet()));
        StepVerifier.create(failing.retryWhen(RetryPolicy.retry(RetrySettings.defaults(), true, () -> false, time)))
                .expectNext("first")
                .expectError(HttpTransientException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(1);
    }
}

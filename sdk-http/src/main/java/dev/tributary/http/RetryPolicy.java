package dev.tributary.http;

import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Turns {@link RetrySettings} into a Reactor {@link Retry} for one request: which failures are
 * repeated (transient, and repeatable for this request), and after which delay ({@code Retry-After}
 * capped, else exponential backoff with jitter), on the client's scheduler.
 */
final class RetryPolicy {

    /** Idempotent methods (RFC 9110 §9.2.2). */
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT,
            HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE);

    private RetryPolicy() {
    }

    static boolean isIdempotent(HttpMethod method) {
        return IDEMPOTENT.contains(method);
    }

    /**
     * @param settings     the retry settings
     * @param repeatable   whether the request may be sent again after it may have reached the server
     * @param nothingEmitted whether nothing has gone downstream yet (a retry would not duplicate data)
     * @param scheduler    the timer of the delays
     * @return the retry spec; when retries run out, the last failure is signalled
     */
    static Retry retry(RetrySettings settings, boolean repeatable, BooleanSupplier nothingEmitted, Scheduler scheduler) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable failure = signal.failure();
            long retries = signal.totalRetries();
            if (retries + 1 >= settings.getMaxAttempts() || !nothingEmitted.getAsBoolean()
                    || !shouldRetry(failure, repeatable)) {
                return Mono.error(failure);
            }
            return Mono.delay(delay(settings, failure, retries), scheduler);
        }));
    }

    static boolean shouldRetry(Throwable failure, boolean repeatable) {
        if (!(failure instanceof HttpTransientException)) {
            return false;
        }
        if (failure instanceof HttpConnectionException && !((HttpConnectionException) failure).isRequestSent()) {
            return true;    // nothing reached the server: safe whatever the method
        }
        return repeatable;
    }

    /**
     * @param retries how many retries were made before this one (0 for the first retry)
     */
    static Duration delay(RetrySettings settings, Throwable failure, long retries) {
        Duration retryAfter = failure instanceof HttpException ? ((HttpException) failure).getRetryAfter().orElse(null) : null;
        if (retryAfter != null) {
            return retryAfter.compareTo(settings.getMaxRetryAfter()) > 0 ? settings.getMaxRetryAfter() : retryAfter;
        }
        long first = settings.getFirstBackoff().toNanos();
        long max = settings.getMaxBackoff().toNanos();
        long backoff = retries >= 62 || first > (max >> Math.min(retries, 62)) ? max : Math.min(max, first << retries);
        double jitter = settings.getJitter();
        if (jitter > 0) {
            long spread = (long) (backoff * jitter);
            backoff += ThreadLocalRandom.current().nextLong(-spread, spread + 1);
        }
        return Duration.ofNanos(Math.max(0, Math.min(max, backoff)));
    }
}

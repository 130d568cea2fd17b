package dev.tributary.http;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often {@link HttpServiceClient} repeats a request that failed with an
 * {@link HttpTransientException}. Immutable; start from {@link #defaults()} or {@link #none()}.
 * <p>
 * A failed attempt is repeated when all of these hold:
 * <ul>
 *   <li>fewer than {@link #getMaxAttempts() maxAttempts} attempts were made (the first included);</li>
 *   <li>the failure is transient (429, 502, 503, 504, a connection failure, a response timeout);</li>
 *   <li>the request may be repeated: its method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS,
 *       TRACE; RFC 9110 §9.2.2), or it was declared {@linkplain RequestSpec#safeToRepeat() safe to
 *       repeat}, or the request certainly never reached the server (a refused connect,
 *       {@link HttpConnectionException#isRequestSent()} {@code false});</li>
 *   <li>nothing of the response has been handed downstream yet (a stream that already emitted
 *       elements is not restarted).</li>
 * </ul>
 * The delay before the next attempt is the response's {@code Retry-After} (delta-seconds or an
 * HTTP-date, RFC 9110 §10.2.3) capped at {@link #getMaxRetryAfter() maxRetryAfter}, or, without
 * one, exponential backoff: {@code firstBackoff * 2^(retry-1)} capped at {@code maxBackoff}, with
 * up to {@code jitter} of it added or removed at random. When the attempts run out, the last
 * failure is signalled (not Reactor's {@code RetryExhaustedException}).
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>{@code defaults()}</th></tr>
 *   <tr><td>maxAttempts</td><td>4 (the first and 3 retries)</td></tr>
 *   <tr><td>firstBackoff</td><td>200 ms</td></tr>
 *   <tr><td>maxBackoff</td><td>10 s</td></tr>
 *   <tr><td>jitter</td><td>0.5</td></tr>
 *   <tr><td>maxRetryAfter</td><td>60 s</td></tr>
 * </table>
 */
public final class RetrySettings {

    private static final RetrySettings DEFAULTS = new Builder().build();
    private static final RetrySettings NONE = new Builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxRetryAfter;

    private RetrySettings(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.firstBackoff = b.firstBackoff;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.maxRetryAfter = b.maxRetryAfter;
    }

    /** @return the defaults (see the table above) */
    public static RetrySettings defaults() {
        return DEFAULTS;
    }

    /** @return no retries: every request is attempted once */
    public static RetrySettings none() {
        return NONE;
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from these settings */
    public Builder toBuilder() {
        return new Builder()
                .maxAttempts(this.maxAttempts)
                .backoff(this.firstBackoff, this.maxBackoff)
                .jitter(this.jitter)
                .maxRetryAfter(this.maxRetryAfter);
    }

    /** @return attempts per request, the first included; at least 1 */
    public int getMaxAttempts() {
        return this.maxAttempts;
    }

    /** @return the backoff before the first retry when the service sent no {@code Retry-After} */
    public Duration getFirstBackoff() {
        return this.firstBackoff;
    }

    /** @return the longest backoff without {@code Retry-After} */
    public Duration getMaxBackoff() {
        return this.maxBackoff;
    }

    /** @return the jitter factor in [0, 1]: each backoff varies by up to this fraction of itself */
    public double getJitter() {
        return this.jitter;
    }

    /** @return the longest delay taken from a {@code Retry-After}; a longer one is cut to this */
    public Duration getMaxRetryAfter() {
        return this.maxRetryAfter;
    }

    @Override
    public String toString() {
        return "RetrySettings{maxAttempts=" + this.maxAttempts + ", backoff=" + this.firstBackoff + ".." + this.maxBackoff
                + ", jitter=" + this.jitter + ", maxRetryAfter=" + this.maxRetryAfter + '}';
    }

    /** Builds {@link RetrySettings}; not thread-safe. */
    public static final class Builder {

        private int maxAttempts = 4;
        private Duration firstBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double jitter = 0.5;
        private Duration maxRetryAfter = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * @param maxAttempts attempts per request, the first included; at least 1 (1 = no retry)
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param first the backoff before the first retry; positive
         * @param max   the longest backoff; at least {@code first}
         * @return this builder
         */
        public Builder backoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            if (first.isNegative() || first.isZero()) {
                throw new IllegalArgumentException("first backoff must be positive, was " + first);
            }
            if (max.compareTo(first) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is shorter than the first backoff " + first);
            }
            this.firstBackoff = first;
            this.maxBackoff = max;
            return this;
        }

        /**
         * @param jitter the fraction in [0, 1] by which each backoff varies at random
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * @param maxRetryAfter the longest delay honoured from a {@code Retry-After}; not negative
         * @return this builder
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter must not be negative, was " + maxRetryAfter);
            }
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** @return the settings */
        public RetrySettings build() {
            return new RetrySettings(this);
        }
    }
}

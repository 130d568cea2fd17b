package dev.tributary.sql;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable connection pool settings. Start from {@link #defaults()} (a long-running database
 * server) or {@link #serverless()} (a database that closes idle sessions and scales to zero) and
 * adjust with {@link #toBuilder()}.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>{@code defaults()}</th><th>{@code serverless()}</th></tr>
 *   <tr><td>maxSize</td><td>10</td><td>10</td></tr>
 *   <tr><td>minIdle</td><td>0</td><td>0 (no keep-alive that defeats scale-to-zero)</td></tr>
 *   <tr><td>maxIdleTime</td><td>30 min</td><td>4 min (below common 5 min idle session timeouts)</td></tr>
 *   <tr><td>maxLifeTime</td><td>none</td><td>25 min</td></tr>
 *   <tr><td>maxAcquireTime</td><td>30 s</td><td>60 s (a cold start takes seconds)</td></tr>
 *   <tr><td>maxCreateConnectionTime</td><td>10 s</td><td>30 s</td></tr>
 *   <tr><td>validateAfterIdle</td><td>none (a socket check)</td><td>30 s (a round trip)</td></tr>
 *   <tr><td>backgroundEvictionInterval</td><td>none</td><td>30 s</td></tr>
 *   <tr><td>validationTimeout</td><td>5 s</td><td>5 s (a connection that does not answer is discarded)</td></tr>
 *   <tr><td>wakeDeadline</td><td>10 s</td><td>30 s (a cold start takes seconds)</td></tr>
 *   <tr><td>retryBackoff (first, most)</td><td>50 ms, 2 s</td><td>100 ms, 2 s</td></tr>
 * </table>
 * Opening a connection is retried while it fails transiently (connection refused or reset,
 * SQLSTATE class 08, 57P01, 57P02, 57P03, 53300), with exponential backoff from the first to the
 * most backoff and 50 % jitter, until {@code wakeDeadline} has passed since the first attempt;
 * then the acquire signals {@link DatabaseUnavailableException}.
 * <p>
 * {@code maxIdleTime} and {@code maxLifeTime} are upper bounds: each connection expires up to
 * 20 % earlier, by a jitter of its own, so that connections opened together do not all expire (and
 * reconnect) at the same moment.
 * A duration of {@code null} means "no limit" (or, for {@code validateAfterIdle} and
 * {@code backgroundEvictionInterval}, "off").
 */
public final class PoolSettings {

    private static final PoolSettings DEFAULTS = new Builder().build();

    private static final PoolSettings SERVERLESS = new Builder()
            .maxIdleTime(Duration.ofMinutes(4))
            .maxLifeTime(Duration.ofMinutes(25))
            .maxAcquireTime(Duration.ofSeconds(60))
            .maxCreateConnectionTime(Duration.ofSeconds(30))
            .validateAfterIdle(Duration.ofSeconds(30))
            .backgroundEvictionInterval(Duration.ofSeconds(30))
            .wakeDeadline(Duration.ofSeconds(30))
            .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
            .build();

    private final boolean enabled;
    private final int maxSize;
    private final int minIdle;
    private final Duration maxIdleTime;
    private final Duration maxLifeTime;
    private final Duration maxAcquireTime;
    private final Duration maxCreateConnectionTime;
    private final Duration validateAfterIdle;
    private final Duration backgroundEvictionInterval;
    private final Duration wakeDeadline;
    private final Duration validationTimeout;
    private final Duration firstBackoff;
    private final Duration maxBackoff;

    private PoolSettings(Builder b) {
        this.enabled = b.enabled;
        this.maxSize = b.maxSize;
        this.minIdle = b.minIdle;
        this.maxIdleTime = b.maxIdleTime;
        this.maxLifeTime = b.maxLifeTime;
        this.maxAcquireTime = b.maxAcquireTime;
        this.maxCreateConnectionTime = b.maxCreateConnectionTime;
        this.validateAfterIdle = b.validateAfterIdle;
        this.backgroundEvictionInterval = b.backgroundEvictionInterval;
        this.wakeDeadline = b.wakeDeadline;
        this.validationTimeout = b.validationTimeout;
        this.firstBackoff = b.firstBackoff;
        this.maxBackoff = b.maxBackoff;
    }

    /**
     * @return settings for a long-running database server
     */
    public static PoolSettings defaults() {
        return DEFAULTS;
    }

    /**
     * @return settings for a long-running database server; the same as {@link #defaults()}
     */
    public static PoolSettings standard() {
        return DEFAULTS;
    }

    /**
     * @return settings for a serverless database that closes idle sessions and scales to zero
     */
    public static PoolSettings serverless() {
        return SERVERLESS;
    }

    /**
     * @return no pool: every operation opens a connection of its own and closes it afterwards
     */
    public static PoolSettings unpooled() {
        return new Builder().enabled(false).build();
    }

    /**
     * @return a builder starting from {@link #defaults()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder starting from these settings
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return whether connections are pooled */
    public boolean isEnabled() {
        return this.enabled;
    }

    /** @return the most connections open at once */
    public int getMaxSize() {
        return this.maxSize;
    }

    /** @return the fewest idle connections kept open (0: the pool may shrink to nothing) */
    public int getMinIdle() {
        return this.minIdle;
    }

    /** @return how long a connection may sit idle before it is closed; {@code null}: no limit */
    public Duration getMaxIdleTime() {
        return this.maxIdleTime;
    }

    /** @return how long a connection may live; {@code null}: no limit */
    public Duration getMaxLifeTime() {
        return this.maxLifeTime;
    }

    /** @return how long an acquire may wait for a connection; {@code null}: no limit */
    public Duration getMaxAcquireTime() {
        return this.maxAcquireTime;
    }

    /** @return how long opening one connection may take; {@code null}: no limit */
    public Duration getMaxCreateConnectionTime() {
        return this.maxCreateConnectionTime;
    }

    /**
     * How long a pooled connection may sit idle before it is validated with a round trip (within
     * {@link #getValidationTimeout()}) as it is handed out; a connection that fails is destroyed and
     * another acquired. Every hand-out checks the socket.
     *
     * @return the idle threshold, or {@code null} for a socket check only
     */
    public Duration getValidateAfterIdle() {
        return this.validateAfterIdle;
    }

    /** @return how often idle connections are checked for expiry in the background; {@code null}: off */
    public Duration getBackgroundEvictionInterval() {
        return this.backgroundEvictionInterval;
    }

    /** @return how long opening a connection is retried while it fails transiently; never {@code null} */
    public Duration getWakeDeadline() {
        return this.wakeDeadline;
    }

    /** @return the longest wait for a validation round trip before the connection is discarded; never {@code null} */
    public Duration getValidationTimeout() {
        return this.validationTimeout;
    }

    /** @return the backoff before the first retry of a failed connect; never {@code null} */
    public Duration getFirstBackoff() {
        return this.firstBackoff;
    }

    /** @return the longest backoff between retries of a failed connect; never {@code null} */
    public Duration getMaxBackoff() {
        return this.maxBackoff;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PoolSettings)) {
            return false;
        }
        PoolSettings that = (PoolSettings) o;
        return this.enabled == that.enabled && this.maxSize == that.maxSize && this.minIdle == that.minIdle
                && Objects.equals(this.maxIdleTime, that.maxIdleTime) && Objects.equals(this.maxLifeTime, that.maxLifeTime)
                && Objects.equals(this.maxAcquireTime, that.maxAcquireTime)
                && Objects.equals(this.maxCreateConnectionTime, that.maxCreateConnectionTime)
                && Objects.equals(this.validateAfterIdle, that.validateAfterIdle)
                && Objects.equals(this.backgroundEvictionInterval, that.backgroundEvictionInterval)
                && this.wakeDeadline.equals(that.wakeDeadline) && this.validationTimeout.equals(that.validationTimeout)
                && this.firstBackoff.equals(that.firstBackoff)
                && this.maxBackoff.equals(that.maxBackoff);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.enabled, this.maxSize, this.minIdle, this.maxIdleTime, this.maxLifeTime,
                this.maxAcquireTime, this.maxCreateConnectionTime, this.validateAfterIdle, this.backgroundEvictionInterval,
                this.wakeDeadline, this.validationTimeout, this.firstBackoff, this.maxBackoff);
    }

    @Override
    public String toString() {
        return "PoolSettings{enabled=" + this.enabled + ", maxSize=" + this.maxSize + ", minIdle=" + this.minIdle
                + ", maxIdleTime=" + this.maxIdleTime + ", maxLifeTime=" + this.maxLifeTime
                + ", maxAcquireTime=" + this.maxAcquireTime + ", maxCreateConnectionTime=" + this.maxCreateConnectionTime
                + ", validateAfterIdle=" + this.validateAfterIdle
                + ", backgroundEvictionInterval=" + this.backgroundEvictionInterval + ", wakeDeadline=" + this.wakeDeadline + ", validationTimeout=" + this.validationTimeout
                + ", retryBackoff=" + this.firstBackoff + ".." + this.maxBackoff + '}';
    }

    /**
     * Builds {@link PoolSettings}. Not thread-safe. Each setter checks its own argument;
     * {@link #build()} checks combinations.
     */
    public static final class Builder {

        private boolean enabled = true;
        private int maxSize = 10;
        private int minIdle = 0;
        private Duration maxIdleTime = Duration.ofMinutes(30);
        private Duration maxLifeTime;
        private Duration maxAcquireTime = Duration.ofSeconds(30);
        private Duration maxCreateConnectionTime = Duration.ofSeconds(10);
        private Duration validateAfterIdle;
        private Duration backgroundEvictionInterval;
        private Duration wakeDeadline = Duration.ofSeconds(10);
        private Duration validationTimeout = Duration.ofSeconds(5);
        private Duration firstBackoff = Duration.ofMillis(50);
        private Duration maxBackoff = Duration.ofSeconds(2);

        private Builder() {
        }

        private Builder(PoolSettings s) {
            this.enabled = s.enabled;
            this.maxSize = s.maxSize;
            this.minIdle = s.minIdle;
            this.maxIdleTime = s.maxIdleTime;
            this.maxLifeTime = s.maxLifeTime;
            this.maxAcquireTime = s.maxAcquireTime;
            this.maxCreateConnectionTime = s.maxCreateConnectionTime;
            this.validateAfterIdle = s.validateAfterIdle;
            this.backgroundEvictionInterval = s.backgroundEvictionInterval;
            this.wakeDeadline = s.wakeDeadline;
            this.validationTimeout = s.validationTimeout;
            this.firstBackoff = s.firstBackoff;
            this.maxBackoff = s.maxBackoff;
        }

        /** @param enabled {@code false} for no pool; @return this builder */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** @param maxSize at least 1; @return this builder */
        public Builder maxSize(int maxSize) {
            if (maxSize < 1) {
                throw new IllegalArgumentException("maxSize must be at least 1, was " + maxSize);
            }
            this.maxSize = maxSize;
            return this;
        }

        /** @param minIdle 0 or more; @return this builder */
        public Builder minIdle(int minIdle) {
            if (minIdle < 0) {
                throw new IllegalArgumentException("minIdle must not be negative, was " + minIdle);
            }
            this.minIdle = minIdle;
            return this;
        }

        /** @param maxIdleTime positive, or {@code null} for no limit; @return this builder */
        public Builder maxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = positiveOrNull("maxIdleTime", maxIdleTime);
            return this;
        }

        /** @param maxLifeTime positive, or {@code null} for no limit; @return this builder */
        public Builder maxLifeTime(Duration maxLifeTime) {
            this.maxLifeTime = positiveOrNull("maxLifeTime", maxLifeTime);
            return this;
        }

        /** @param maxAcquireTime positive, or {@code null} for no limit; @return this builder */
        public Builder maxAcquireTime(Duration maxAcquireTime) {
            this.maxAcquireTime = positiveOrNull("maxAcquireTime", maxAcquireTime);
            return this;
        }

        /** @param maxCreateConnectionTime positive, or {@code null} for no limit; @return this builder */
        public Builder maxCreateConnectionTime(Duration maxCreateConnectionTime) {
            this.maxCreateConnectionTime = positiveOrNull("maxCreateConnectionTime", maxCreateConnectionTime);
            return this;
        }

        /**
         * @param validateAfterIdle positive: validate with a round trip (see {@link PoolSettings#getValidateAfterIdle()});
         *                          {@code null}: a socket check only
         * @return this builder
         */
        public Builder validateAfterIdle(Duration validateAfterIdle) {
            this.validateAfterIdle = positiveOrNull("validateAfterIdle", validateAfterIdle);
            return this;
        }

        /** @param interval positive, or {@code null} for off; @return this builder */
        public Builder backgroundEvictionInterval(Duration interval) {
            this.backgroundEvictionInterval = positiveOrNull("backgroundEvictionInterval", interval);
            return this;
        }

        /**
         * @param wakeDeadline how long a failing connect is retried (a database waking from zero
         *                     takes seconds); positive, not {@code null}
         * @return this builder
         */
        public Builder wakeDeadline(Duration wakeDeadline) {
            if (wakeDeadline == null || wakeDeadline.isNegative() || wakeDeadline.isZero()) {
                throw new IllegalArgumentException("wakeDeadline must be positive, was " + wakeDeadline);
            }
            this.wakeDeadline = wakeDeadline;
            return this;
        }

        /**
         * @param validationTimeout the longest wait for a validation round trip (a connection that
         *                          does not answer, for example behind a network partition, is
         *                          discarded and another acquired); positive, not {@code null}
         * @return this builder
         */
        public Builder validationTimeout(Duration validationTimeout) {
            if (validationTimeout == null || validationTimeout.isNegative() || validationTimeout.isZero()) {
                throw new IllegalArgumentException("validationTimeout must be positive, was " + validationTimeout);
            }
            this.validationTimeout = validationTimeout;
            return this;
        }

        /**
         * @param first the backoff before the first retry of a failed connect; positive
         * @param most  the longest backoff; at least {@code first}
         * @return this builder
         */
        public Builder retryBackoff(Duration first, Duration most) {
            if (first == null || first.isNegative() || first.isZero()) {
                throw new IllegalArgumentException("first backoff must be positive, was " + first);
            }
            if (most == null || most.compareTo(first) < 0) {
                throw new IllegalArgumentException("most backoff must be at least the first (" + first + "), was " + most);
            }
            this.firstBackoff = first;
            this.maxBackoff = most;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalStateException if {@code minIdle} exceeds {@code maxSize}, or
         *                               {@code maxIdleTime} exceeds {@code maxLifeTime}
         */
        public PoolSettings build() {
            if (this.minIdle > this.maxSize) {
                throw new IllegalStateException("minIdle (" + this.minIdle + ") exceeds maxSize (" + this.maxSize + ")");
            }
            if (this.maxIdleTime != null && this.maxLifeTime != null && this.maxIdleTime.compareTo(this.maxLifeTime) > 0) {
                throw new IllegalStateException("maxIdleTime (" + this.maxIdleTime + ") exceeds maxLifeTime (" + this.maxLifeTime + ")");
            }
            return new PoolSettings(this);
        }

        private static Duration positiveOrNull(String name, Duration d) {
            if (d != null && (d.isNegative() || d.isZero())) {
                throw new IllegalArgumentException(name + " must be positive or null, was " + d);
            }
            return d;
        }
    }
}

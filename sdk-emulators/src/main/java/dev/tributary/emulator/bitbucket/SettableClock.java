package dev.tributary.emulator.bitbucket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that only moves when told to, for tests of token expiry, rate-limit windows and
 * pipeline progress without sleeping:
 * <pre>{@code
 * SettableClock clock = SettableClock.at(Instant.parse("2026-05-04T10:00:00Z"));
 * BitbucketEmulator bb = BitbucketEmulator.builder().clock(clock).build().start();
 * clock.advance(Duration.ofHours(2));   // access tokens issued before now expired
 * }</pre>
 * Thread-safe; always UTC.
 */
public final class SettableClock extends Clock {

    private final AtomicReference<Instant> now;

    private SettableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /**
     * @param start the first instant; not {@code null}
     * @return a clock standing at {@code start}
     */
    public static SettableClock at(Instant start) {
        return new SettableClock(Objects.requireNonNull(start, "start"));
    }

    /**
     * @param duration how far to move; not negative
     * @return the new instant
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Instant advance(Duration duration) {
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be null or negative, was " + duration);
        }
        return this.now.updateAndGet(t -> t.plus(duration));
    }

    /** @param instant the new time (may go backwards); not {@code null} */
    public void set(Instant instant) {
        this.now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return this.now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("A SettableClock is UTC only");
    }

    @Override
    public String toString() {
        return "SettableClock{" + this.now.get() + '}';
    }
}

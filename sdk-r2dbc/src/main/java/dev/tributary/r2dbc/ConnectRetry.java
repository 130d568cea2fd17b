package dev.tributary.r2dbc;

import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.PoolSettings;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Opens connections through a database that may be asleep, starting or restarting: a connect that
 * fails transiently ({@link ConnectionFailures#isTransientConnectFailure}: a refused or reset
 * connect, a database starting up) is retried with exponential backoff and jitter until the wake
 * deadline has passed since the first attempt; then
 * the acquire signals {@link DatabaseUnavailableException} with the time waited, the attempts and
 * the last failure. Other failures (authentication, an unknown database) are not retried; a TLS
 * set-up failure (the server does not offer the TLS that {@code sslMode} requires, or its
 * certificate fails verification) signals {@link ConnectionFailures.TlsSetupException} on the first
 * attempt.
 * <p>
 * A pooled connection that r2dbc-pool finds dead when it validates it
 * ({@link ConnectionFailures#isStaleConnectionRejected}, after a restart or an idle close) is
 * replaced at once, without backoff: the pool may hold as many dead connections as its size, and
 * the database itself is fine.
 */
final class ConnectRetry {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectRetry.class);

    private final Duration deadline;
    private final RetryBackoffSpec backoff;
    private final Scheduler timer;
    private final int staleRetries;

    private final ResilienceCounters counters;

    ConnectRetry(PoolSettings settings, ResilienceCounters counters) {
        this(settings, counters, Schedulers.parallel());
    }

    ConnectRetry(PoolSettings settings, ResilienceCounters counters, Scheduler timer) {
        this.counters = counters;
        this.deadline = settings.getWakeDeadline();
        this.timer = timer;
        this.staleRetries = settings.getMaxSize() + 1;
        this.backoff = Retry.backoff(Long.MAX_VALUE, settings.getFirstBackoff())
                .maxBackoff(settings.getMaxBackoff())
                .jitter(0.5)
                .scheduler(timer)
                .filter(ConnectionFailures::isTransientConnectFailure);
    }

    /**
     * @param connect opens one connection per call
     * @return a connection; signals {@link DatabaseUnavailableException} past the deadline,
     *         {@link ConnectionFailures.TlsSetupException} (an
     *         {@link io.r2dbc.spi.R2dbcNonTransientResourceException}) when TLS cannot be set up as
     *         configured, or any other non-transient failure as it is
     */
    Mono<Connection> acquire(Supplier<? extends Publisher<? extends Connection>> connect) {
        return Mono.defer(() -> {
            long started = this.timer.now(TimeUnit.MILLISECONDS);
            AtomicInteger attempts = new AtomicInteger();
            AtomicReference<Throwable> last = new AtomicReference<>();
            Mono<Connection> attempt = Mono.defer(() -> {
                attempts.incrementAndGet();
                return Mono.<Connection>from(connect.get());
            }).retryWhen(Retry.max(this.staleRetries).filter(ConnectionFailures::isStaleConnectionRejected)
                            .doBeforeRetry(signal -> this.counters.staleConnectionReplaced(signal.failure())))
                    .doOnError(last::set);
            return attempt
                    .retryWhen(this.backoff.doBeforeRetry(signal -> this.counters.connectRetried((int) signal.totalRetries() + 1,
                                    signal.failure())).doBeforeRetry(signal -> LOG.debug("Connect attempt {} failed ({}), retrying: {}",
                            signal.totalRetries() + 1, sqlState(signal.failure()), signal.failure().toString())))
                    .onErrorMap(ConnectionFailures::typedTlsSetupFailure)
                    .timeout(this.deadline, Mono.defer(() -> Mono.error(new DatabaseUnavailableException(
                            Duration.ofMillis(this.timer.now(TimeUnit.MILLISECONDS) - started), attempts.get(), last.get()))), this.timer);
        });
    }

    private static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException && ((R2dbcException) t).getSqlState() != null) {
                return "SQLSTATE " + ((R2dbcException) t).getSqlState();
            }
        }
        return "no SQLSTATE";
    }
}

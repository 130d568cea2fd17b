package dev.tributary.r2dbc;

import dev.tributary.sql.DatabaseUnavailableException;
import dev.tributary.sql.PoolSettings;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectRetryTest {

    private static final Connection CONNECTION = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
            new Class<?>[]{Connection.class}, (proxy, method, args) -> method.getName().equals("toString") ? "connection" : null);

    private final AtomicInteger attempts = new AtomicInteger();

    private static R2dbcNonTransientResourceException refused() {
        return new R2dbcNonTransientResourceException("Cannot connect to 127.0.0.1:5432", new ConnectException("Connection refused"));
    }

    private Supplier<Mono<Connection>> failing(int failures, Supplier<Throwable> error) {
        return () -> Mono.defer(() -> this.attempts.incrementAndGet() <= failures ? Mono.error(error.get()) : Mono.just(CONNECTION));
    }

    @Test
    void retriesRefusedConnectsWithBackoffUntilTheDatabaseAnswers() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ConnectRetry retry = new ConnectRetry(PoolSettings.builder().wakeDeadline(Duration.ofSeconds(10))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build(), new ResilienceCounters(), time);

        StepVerifier.withVirtualTime(() -> retry.acquire(failing(4, ConnectRetryTest::refused)), () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(40))      // the first backoff is 100 ms +- 50 %
                .thenAwait(Duration.ofSeconds(5))
                .expectNext(CONNECTION)
                .verifyComplete();
        assertThat(this.attempts.get()).isEqualTo(5);
    }

    @Test
    void givesUpAtTheWakeDeadlineWithATypedErrorSayingHowLongAndWhy() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ConnectRetry retry = new ConnectRetry(PoolSettings.builder().wakeDeadline(Duration.ofSeconds(1))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build(), new ResilienceCounters(), time);

        StepVerifier.withVirtualTime(() -> retry.acquire(failing(Integer.MAX_VALUE, ConnectRetryTest::refused)), () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DatabaseUnavailableException.class)
                            .hasMessageContaining("within 1000 ms").hasMessageContaining("Cannot connect to 127.0.0.1:5432");
                    DatabaseUnavailableException unavailable = (DatabaseUnavailableException) e;
                    assertThat(unavailable.getWaited()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(unavailable.getAttempts()).isBetween(4, 20).isEqualTo(this.attempts.get());
                    assertThat(unavailable.getCause()).isInstanceOf(R2dbcNonTransientResourceException.class);
                })
                .verify();
    }

    @Test
    void retriesADatabaseThatIsStartingUp() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ConnectRetry retry = new ConnectRetry(PoolSettings.serverless(), new ResilienceCounters(), time);
        StepVerifier.withVirtualTime(() -> retry.acquire(failing(2, () -> new R2dbcNonTransientResourceException(
                        "the database system is starting up", "57P03"))), () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .expectNext(CONNECTION)
                .verifyComplete();
    }

    @Test
    void replacesDeadPooledConnectionsAtOnceWithoutBackoff() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ConnectRetry retry = new ConnectRetry(PoolSettings.serverless(), new ResilienceCounters(), time);   // maxSize 10
        StepVerifier.withVirtualTime(() -> retry.acquire(failing(10, () -> new R2dbcNonTransientResourceException(
                        "Connection validation failed"))), () -> time, Long.MAX_VALUE)
                .expectNext(CONNECTION)       // no virtual time passes: no backoff
                .verifyComplete();
        assertThat(this.attempts.get()).isEqualTo(11);
    }

    @Test
    void doesNotRetryAWrongPassword() {
        ConnectRetry retry = new ConnectRetry(PoolSettings.serverless(), new ResilienceCounters());
        retry.acquire(failing(Integer.MAX_VALUE, () -> new R2dbcPermissionDeniedException("password authentication failed", "28P01")))
                .as(StepVerifier::create)
                .expectError(R2dbcPermissionDeniedException.class)
                .verify(Duration.ofSeconds(2));
        assertThat(this.attempts.get()).isEqualTo(1);
    }
}

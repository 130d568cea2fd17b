package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way of using a connection releases it exactly once, whether the work completes, fails or
 * is cancelled: counted on a factory whose connections record their {@code close()} calls.
 */
class ConnectionReleaseIT {

    private static EmbeddedPostgresServer pg;
    private static CountingConnectionFactory counting;
    private static SqlClient db;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        counting = new CountingConnectionFactory(ConnectionFactories.get(pg.r2dbcUrl("postgres")));
        db = Tributary.sql(counting).pool(PoolSettings.unpooled()).build();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @BeforeEach
    void reset() {
        counting.opened.set(0);
        counting.closed.set(0);
    }

    @Test
    void statementReleasesOnceOnCompleteErrorAndCancel() {
        db.sql("SELECT 1").mapTo(Integer.class).all().as(StepVerifier::create).expectNext(1).verifyComplete();
        assertReleasedOnce();
        reset();
        db.sql("SELECT 1/0").mapTo(Integer.class).all().as(StepVerifier::create).expectError().verify();
        assertReleasedOnce();
        reset();
        db.sql("SELECT g FROM generate_series(1, 100000) g").mapTo(Long.class).all()
                .as(rows -> StepVerifier.create(rows, 5)).expectNextCount(5).thenCancel().verify();
        assertReleasedOnce();
    }

    @Test
    void transactionReleasesOnceOnCompleteErrorAndCancel() {
        db.inTransaction(tx -> tx.sql("SELECT 1").mapTo(Integer.class).one())
                .as(StepVerifier::create).expectNext(1).verifyComplete();
        assertReleasedOnce();
        reset();
        db.inTransaction(tx -> tx.sql("SELECT 1/0").mapTo(Integer.class).one())
                .as(StepVerifier::create).expectError().verify();
        assertReleasedOnce();
        reset();
        db.inTransactionMany(tx -> tx.sql("SELECT 1").rowsUpdated().thenMany(Flux.interval(Duration.ofMillis(20))))
                .as(StepVerifier::create).expectNextCount(2).thenCancel().verify();
        assertReleasedOnce();
    }

    @Test
    void sessionReleasesOnceOnCompleteErrorAndCancel() {
        db.inConnection(s -> s.sql("SET application_name = 'x'").rowsUpdated())
                .as(StepVerifier::create).expectNext(0L).verifyComplete();
        assertReleasedOnce();
        reset();
        db.inConnection(s -> Mono.error(new IllegalStateException("boom")))
                .as(StepVerifier::create).expectErrorMessage("boom").verify();
        assertReleasedOnce();
        reset();
        db.inConnectionMany(s -> Flux.interval(Duration.ofMillis(20)))
                .as(StepVerifier::create).expectNextCount(2).thenCancel().verify();
        assertReleasedOnce();
    }

    private static void assertReleasedOnce() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (counting.closed.get() < counting.opened.get() && System.nanoTime() < deadline) {
            sleep(5);
        }
        sleep(50); // a second, erroneous close would come right after the first
        assertThat(counting.opened.get()).isEqualTo(1);
        assertThat(counting.closed.get()).isEqualTo(1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands out connections that count their close() calls. */
    static final class CountingConnectionFactory implements ConnectionFactory {

        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        private final ConnectionFactory delegate;

        CountingConnectionFactory(ConnectionFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.from(this.delegate.create()).map(this::counting).doOnNext(c -> this.opened.incrementAndGet());
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return this.delegate.getMetadata();
        }

        private Connection counting(Connection target) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close") && method.getParameterCount() == 0) {
                            return Mono.defer(() -> {
                                this.closed.incrementAndGet();
                                return Mono.from(target.close());
                            });
                        }
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}

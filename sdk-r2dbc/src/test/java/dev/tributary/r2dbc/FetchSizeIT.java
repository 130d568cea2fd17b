package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.IncorrectResultSizeException;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.netty.NettyLeakCheck;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which fetch size each terminal method hands r2dbc-postgresql, recorded on the statements of a
 * real connection: {@code one()} none (the driver then sends Execute, Close and Sync together, one
 * round trip: {@code ExtendedFlowDelegate.fetchAll}), {@code all()} and {@code first()} the
 * client's (a portal read in portions as demand needs), a statement's own fetch size always.
 */
class FetchSizeIT {

    private static final int CLIENT_FETCH_SIZE = 250;

    private static EmbeddedPostgresServer pg;
    private static RecordingConnectionFactory recording;
    private SqlClient db;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        recording = new RecordingConnectionFactory(ConnectionFactories.get(pg.r2dbcUrl("postgres")));
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void client() {
        // one connection: every statement of a test runs on the same one, after the one before it
        this.db = Tributary.sql(recording).fetchSize(CLIENT_FETCH_SIZE).pool(PoolSettings.builder().maxSize(1).build()).build();
        recording.fetchSizes.clear();
        recording.opened.set(0);
    }

    @AfterEach
    void close() {
        this.db.close().block(Duration.ofSeconds(10));
    }

    @Test
    void oneRunsWithoutAFetchSizeAndStreamsUseTheClients() {
        this.db.sql("SELECT $1::int").bind(0, 7).mapTo(Integer.class).one()
                .as(StepVerifier::create).expectNext(7).verifyComplete();
        this.db.sql("SELECT g FROM generate_series(1, 3) g").mapTo(Integer.class).all()
                .as(StepVerifier::create).expectNext(1, 2, 3).verifyComplete();
        this.db.sql("SELECT g FROM generate_series(1, 3) g").mapTo(Integer.class).first()
                .as(StepVerifier::create).expectNext(1).verifyComplete();
        this.db.sql("SELECT $1::int").bind(0, 8).fetchSize(7).mapTo(Integer.class).one()
                .as(StepVerifier::create).expectNext(8).verifyComplete();
        this.db.sql("SELECT g FROM generate_series(1, 3) g").fetchSize(2).mapTo(Integer.class).all()
                .as(StepVerifier::create).expectNext(1, 2, 3).verifyComplete();
        this.db.sql("CREATE TEMPORARY TABLE IF NOT EXISTS fetch_size_probe (id int)").rowsUpdated()
                .as(StepVerifier::create).expectNext(0L).verifyComplete();

        assertThat(recording.fetchSizes).containsExactly(
                "none", String.valueOf(CLIENT_FETCH_SIZE), String.valueOf(CLIENT_FETCH_SIZE), "7", "2", "none");
    }

    @Test
    void oneInATransactionRunsWithoutAFetchSizeToo() {
        this.db.inTransaction(tx -> tx.sql("SELECT 41 + 1").mapTo(Integer.class).one())
                .as(StepVerifier::create).expectNext(42).verifyComplete();
        assertThat(recording.fetchSizes).containsExactly("none");
    }

    @Test
    void oneOverManyRowsFailsAtTheSecondRowAndItsConnectionServesTheNextStatement() {
        NettyLeakCheck.collectLeaks();
        this.db.sql("SELECT g FROM generate_series(1, 300000) g").mapTo(Integer.class).one()
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IncorrectResultSizeException.class)
                        .hasMessageContaining("generate_series"))
                .verify(Duration.ofSeconds(20));
        // the only connection of the pool reads the rest of that result, then answers this
        this.db.sql("SELECT count(*) FROM generate_series(1, 5)").mapTo(Long.class).one()
                .as(StepVerifier::create).expectNext(5L).verifyComplete();
        assertThat(recording.opened).hasValue(1);
        List<String> leaks = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            leaks.addAll(NettyLeakCheck.collectLeaks());
        }
        assertThat(leaks).isEmpty();
    }

    /** Hands out real connections whose statements record the fetch size they were executed with. */
    static final class RecordingConnectionFactory implements ConnectionFactory {

        /** Per executed statement: its fetch size, or "none" when none was set. */
        final List<String> fetchSizes = new CopyOnWriteArrayList<>();
        final AtomicInteger opened = new AtomicInteger();
        private final ConnectionFactory delegate;

        RecordingConnectionFactory(ConnectionFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.from(this.delegate.create()).map(this::recording).doOnNext(c -> this.opened.incrementAndGet());
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return this.delegate.getMetadata();
        }

        private Connection recording(Connection target) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        Object answer = invoke(target, method, args);
                        return method.getName().equals("createStatement") ? recording((Statement) answer) : answer;
                    });
        }

        private Statement recording(Statement target) {
            String[] fetchSize = {"none"};
            return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[]{Statement.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("fetchSize")) {
                            fetchSize[0] = String.valueOf(args[0]);
                        } else if (method.getName().equals("execute")) {
                            this.fetchSizes.add(fetchSize[0]);
                        }
                        Object answer = invoke(target, method, args);
                        return answer == target ? proxy : answer;
                    });
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}

package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.netty.NettyLeakCheck;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A canary for an upstream defect, and the SDK's answer to it: r2dbc-postgresql (1.1.1) refuses a
 * statement on a connection that is already closed (as after a database restart or an idle close
 * that raced with the pool's check) without releasing the bind values it has just encoded, so every
 * such statement leaks a buffer. The SDK checks that the connection is open before it hands a
 * statement to the driver ({@code DefaultSqlStatement#execute}), and runs the statement again on a
 * fresh connection, since nothing was sent. When the canary fails, the driver is fixed.
 */
class R2dbcPostgresqlClosedConnectionLeakCanaryIT {

    private static EmbeddedPostgresServer pg;
    private static PostgresqlConnectionFactory driver;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        driver = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(pg.host()).port(pg.port()).username(EmbeddedPostgresServer.SUPERUSER).database("postgres").build());
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void rawDriverLeaksTheBindValuesOfAStatementRefusedOnAClosedConnection() throws Exception {
        PostgresqlConnection connection = closedConnection();
        NettyLeakCheck.collectLeaks();
        assertThatThrownBy(() -> Flux.from(connection.createStatement("SELECT $1::text").bind(0, "value").execute())
                .concatMap(r -> r.map(row -> row.get(0, String.class))).blockLast(Duration.ofSeconds(10)))
                .hasMessageContaining("closed");
        List<String> leaks = new ArrayList<>();
        for (int attempt = 0; attempt < 10 && leaks.isEmpty(); attempt++) {
            leaks.addAll(NettyLeakCheck.collectLeaks());
        }
        assertThat(leaks).as("r2dbc-postgresql no longer leaks here: the SDK's open-connection check may stay, this canary can go")
                .isNotEmpty()
                .allSatisfy(leak -> assertThat(leak).contains("io.r2dbc.postgresql.PostgresqlStatement.lambda$collectBindingParameters"));
    }

    @Test
    void theFacadeRunsAStatementHandedAClosedConnectionAgainOnAFreshOneAndLeaksNothing() throws Exception {
        AtomicInteger created = new AtomicInteger();
        ConnectionFactory firstOneClosed = firstConnectionClosed(created);
        SqlClient db = Tributary.sql(firstOneClosed).pool(PoolSettings.unpooled()).build();
        try {
            NettyLeakCheck.collectLeaks();
            assertThat(db.sql("SELECT $1::text || '!'").bind(0, "read").mapTo(String.class).one().block(Duration.ofSeconds(10)))
                    .isEqualTo("read!");
            assertThat(created).hasValue(2);
            assertThat(db.metrics().statementReruns()).isEqualTo(1);
            assertThat(db.metrics().outcomeUnknown()).isZero();
            List<String> leaks = new ArrayList<>();
            for (int attempt = 0; attempt < 5; attempt++) {
                leaks.addAll(NettyLeakCheck.collectLeaks());
            }
            assertThat(leaks).isEmpty();
        } finally {
            db.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void aWriteHandedAClosedConnectionRunsOnceOnAFreshOne() throws Exception {
        pg.execute("CREATE TABLE IF NOT EXISTS closed_before_send (v text)", "TRUNCATE closed_before_send");
        AtomicInteger created = new AtomicInteger();
        ConnectionFactory firstOneClosed = firstConnectionClosed(created);
        SqlClient db = Tributary.sql(firstOneClosed).pool(PoolSettings.unpooled()).build();
        try {
            assertThat(db.sql("INSERT INTO closed_before_send VALUES ($1)").bind(0, "once").rowsUpdated().block(Duration.ofSeconds(10)))
                    .isEqualTo(1L);
            assertThat(pg.queryForLong("SELECT count(*) FROM closed_before_send WHERE v = 'once'")).isEqualTo(1L);
            assertThat(db.metrics().outcomeUnknown()).isZero();
        } finally {
            db.close().block(Duration.ofSeconds(10));
        }
    }

    /** A factory whose first connection is {@link #closedConnection()}, and the others fresh ones. */
    private static ConnectionFactory firstConnectionClosed(AtomicInteger created) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return created.getAndIncrement() == 0 ? Mono.fromCallable(R2dbcPostgresqlClosedConnectionLeakCanaryIT::closedConnection)
                        : driver.create();
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return driver.getMetadata();
            }
        };
    }

    /** A connection whose server process was terminated, once the driver has seen the socket close. */
    private static PostgresqlConnection closedConnection() throws InterruptedException {
        PostgresqlConnection connection = Mono.from(driver.create()).block(Duration.ofSeconds(10));
        Integer pid = Flux.from(connection.createStatement("SELECT pg_backend_pid()").execute())
                .concatMap(r -> r.map(row -> row.get(0, Integer.class))).blockLast(Duration.ofSeconds(10));
        pg.execute("SELECT pg_terminate_backend(" + pid + ")");
        for (int i = 0; i < 250 && Boolean.TRUE.equals(Mono.from(connection.validate(ValidationDepth.LOCAL)).block()); i++) {
            Thread.sleep(20);
        }
        assertThat(Mono.from(connection.validate(ValidationDepth.LOCAL)).block()).as("the driver saw the socket close").isFalse();
        return connection;
    }
}

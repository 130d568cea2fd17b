package dev.tributary.r2dbc.postgres;

import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.test.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The R2DBC TCK ({@code io.r2dbc:r2dbc-spi-test} {@link TestKit}) against each driver, all on one
 * embedded PostgreSQL. The JDBC side of each kit logs in as the same user, to the same database,
 * as the R2DBC side, so the tables the kit creates are the R2DBC user's own.
 */
class R2dbcTckIT {

    private static final String TCK_PASSWORD = "tck-pw";
    private static final String ALICE_KEY = "v2_aliceTckKey";

    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void startServer() {
        pg = EmbeddedPostgresServer.builder()
                .hba("host all tck_user 127.0.0.1/32 scram-sha-256")
                .hba("host all alice 127.0.0.1/32 scram-sha-256")
                .start();
        pg.execute("CREATE ROLE tck_user LOGIN PASSWORD '" + TCK_PASSWORD + "'",
                "CREATE ROLE alice LOGIN PASSWORD '" + ALICE_KEY + "'",
                "CREATE DATABASE tck_alloydb OWNER tck_user",
                "CREATE DATABASE \"alice/demo\" OWNER alice");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private static DataSource dataSource(String database, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[]{pg.host()});
        dataSource.setPortNumbers(new int[]{pg.port()});
        dataSource.setDatabaseName(database);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    /**
     * What PostgreSQL legitimately does differently from the kit's defaults (the same overrides
     * r2dbc-postgresql's own {@code PostgresqlTestKit} makes), and one test method adjusted for a
     * defect of r2dbc-postgresql 1.1.1 ({@link #blobSelect()}).
     */
    abstract static class PostgresTestKit implements TestKit<String> {

        /**
         * Not a PostgreSQL difference: a driver defect. The kit's version streams a {@link Blob}
         * and then calls {@link Blob#discard()}. r2dbc-postgresql 1.1.1's {@code BlobCodec.ByteABlob}
         * releases its buffer when {@code stream()} terminates and again in {@code discard()}
         * (guarded by {@code refCnt() > 0}, which a slice shares with the whole received message),
         * so the second release frees the decoder's buffer: {@code IllegalReferenceCountException}
         * in {@code LengthFieldBasedFrameDecoder} and the connection fails with 08006. This
         * version checks the same values (the bytes as a {@link ByteBuffer}, and the streamed
         * {@link Blob}) and relies on {@code stream()} releasing the buffer, as the driver does.
         */
        @Override
        @Test
        public void blobSelect() {
            byte[] expected = "test-value".getBytes(StandardCharsets.UTF_8);
            getJdbcOperations().update(expand(TestStatement.INSERT_BLOB_VALUE_PLACEHOLDER, "?"), (Object) expected);

            Flux.usingWhen(getConnectionFactory().create(),
                            connection -> Flux.from(connection.createStatement(expand(TestStatement.SELECT_BLOB_VALUE)).execute())
                                    .flatMap(result -> result.map((row, metadata) -> extractColumn(row)))
                                    .cast(ByteBuffer.class)
                                    .map(buffer -> {
                                        byte[] bytes = new byte[buffer.remaining()];
                                        buffer.get(bytes);
                                        return bytes;
                                    }),
                            Connection::close)
                    .as(StepVerifier::create)
                    .expectNextMatches(actual -> Arrays.equals(expected, actual))
                    .verifyComplete();

            Flux.usingWhen(getConnectionFactory().create(),
                            connection -> Flux.from(connection.createStatement(expand(TestStatement.SELECT_BLOB_VALUE)).execute())
                                    .flatMap(result -> result.map((row, metadata) -> extractColumn(row, Blob.class)))
                                    .concatMap(blob -> Flux.from(blob.stream()).reduce(ByteBuffer::put)),
                            Connection::close)
                    .as(StepVerifier::create)
                    .expectNextMatches(actual -> StandardCharsets.UTF_8.encode("test-value").compareTo(actual) == 0)
                    .verifyComplete();
        }

        /** Parameters are {@code $1, $2, ...}, 1-based. */
        @Override
        public String getPlaceholder(int index) {
            return "$" + (index + 1);
        }

        /** r2dbc-postgresql binds by the placeholder's name ({@code $1}). */
        @Override
        public String getIdentifier(int index) {
            return getPlaceholder(index);
        }

        /** PostgreSQL has no {@code BLOB}; binary data is {@code BYTEA}. */
        @Override
        public String blobType() {
            return "BYTEA";
        }

        /** PostgreSQL has no {@code CLOB}; long text is {@code TEXT}. */
        @Override
        public String clobType() {
            return "TEXT";
        }

        /** The kit's {@code INTEGER IDENTITY} is not PostgreSQL syntax; the SQL standard's is. */
        @Override
        public String expand(TestStatement statement, Object... args) {
            if (statement == TestStatement.CREATE_TABLE_AUTOGENERATED_KEY) {
                return "CREATE TABLE test ( id INTEGER GENERATED BY DEFAULT AS IDENTITY, test_value INTEGER )";
            }
            return TestKit.super.expand(statement, args);
        }
    }

    @Nested
    class Postgresql extends PostgresTestKit {

        private final ConnectionFactory connectionFactory = ConnectionFactories.get(pg.r2dbcUrl("postgres"));

        @Override
        public ConnectionFactory getConnectionFactory() {
            return this.connectionFactory;
        }

        @Override
        public JdbcOperations getJdbcOperations() {
            return new JdbcTemplate(pg.superuserDataSource());
        }
    }

    @Nested
    class AlloyDb extends PostgresTestKit {

        private final ConnectionFactory connectionFactory = ConnectionFactories.get(AlloyDbOptions.fromConnectionString(
                "Server=127.0.0.1;Port=" + pg.port() + ";Database=tck_alloydb;User=tck_user;Password=" + TCK_PASSWORD));

        @Override
        public ConnectionFactory getConnectionFactory() {
            return this.connectionFactory;
        }

        @Override
        public JdbcOperations getJdbcOperations() {
            return new JdbcTemplate(dataSource("tck_alloydb", "tck_user", TCK_PASSWORD));
        }
    }

    @Nested
    class Bitio extends PostgresTestKit {

        private final ConnectionFactory connectionFactory = ConnectionFactories.get(BitioOptions.builder()
                .host("127.0.0.1").port(pg.port()).database("alice/demo").apiKey(ALICE_KEY).sslMode(SSLMode.DISABLE).build());

        @Override
        public ConnectionFactory getConnectionFactory() {
            return this.connectionFactory;
        }

        @Override
        public JdbcOperations getJdbcOperations() {
            return new JdbcTemplate(dataSource("alice/demo", "alice", ALICE_KEY));
        }
    }
}

package dev.tributary.emulator.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tributary.Tributary;
import dev.tributary.r2dbc.postgres.BitioOptions;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.ServerTls;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.R2dbcException;

/**
 * The emulator's database endpoint: the SDK's {@code bitio} backend connects with an API key as
 * the password, as to {@code db.bit.io:5432}.
 */
class PlatformDatabaseEndpointIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ServerTls tls;
    private static PlatformEmulator platform;
    private static PlatformHttp http;
    private static String owner;

    @BeforeAll
    static void start() {
        tls = ServerTls.selfSigned("localhost");
        platform = PlatformEmulator.builder().databaseTls(tls).build().start();
        http = new PlatformHttp(platform.baseUrl());
        owner = platform.createUser("erin");
        platform.createDatabase("erin", "shop").block(TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    private static SqlClient bitio(String apiKey, SSLMode mode) {
        return Tributary.sql(BitioOptions.builder()
                        .host("localhost").port(platform.databaseEndpoint().port())
                        .database("erin/shop").apiKey(apiKey)
                        .sslMode(mode).sslRootCert(tls.rootCertificate())
                        .build())
                .pool(PoolSettings.serverless())
                .build();
    }

    private static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r2dbc) {
                return r2dbc.getSqlState();
            }
        }
        return null;
    }

    @Test
    void theOwnersKeyWritesAndReadsOverVerifiedTls() {
        SqlClient db = bitio(owner, SSLMode.VERIFY_FULL);
        try {
            db.sql("CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, item text)").rowsUpdated().block(TIMEOUT);
            db.sql("INSERT INTO orders VALUES (1, 'tea'), (2, 'cake') ON CONFLICT DO NOTHING").rowsUpdated().block(TIMEOUT);

            List<String> items = db.sql("SELECT item FROM orders ORDER BY id").mapTo(String.class).all().collectList().block(TIMEOUT);
            String database = db.sql("SELECT current_database()").mapTo(String.class).one().block(TIMEOUT);

            assertThat(items).containsExactly("tea", "cake");
            assertThat(database).isEqualTo("erin/shop");
        } finally {
            db.close().block(TIMEOUT);
        }
    }

    @Test
    void aPlaintextClientIsRefusedBecauseTheEndpointRequiresTls() {
        SqlClient db = bitio(owner, SSLMode.DISABLE);
        try {
            assertThatThrownBy(() -> db.sql("SELECT 1").mapTo(Integer.class).one().block(TIMEOUT))
                    .satisfies(error -> assertThat(sqlState(error)).isEqualTo("28000"));
        } finally {
            db.close().block(TIMEOUT);
        }
    }

    @Test
    void aReaderServiceAccountReadsButCannotWrite() {
        String accountId = platform.createServiceAccount("erin", "erin-bi", DatabaseRole.READER, "erin/shop");
        String readerKey = http.post("/service-account/" + accountId + "/api-key/", owner, null).json().get("api_key").asText();
        SqlClient db = bitio(readerKey, SSLMode.REQUIRE);
        try {
            assertThat(db.sql("SELECT count(*) FROM pg_class").mapTo(Long.class).one().block(TIMEOUT)).isPositive();
            assertThatThrownBy(() -> db.sql("CREATE TABLE reader_was_here (id int)").rowsUpdated().block(TIMEOUT))
                    .satisfies(error -> assertThat(sqlState(error)).isEqualTo("25006"));
        } finally {
            db.close().block(TIMEOUT);
        }
    }

    @Test
    void aRevokedKeyIsRefusedWith28P01AndNeverReachesPostgres() {
        String key = platform.createApiKey("erin");
        SqlClient db = bitio(key, SSLMode.REQUIRE);
        try {
            assertThat(db.sql("SELECT 1").mapTo(Integer.class).one().block(TIMEOUT)).isEqualTo(1);
            assertThat(http.delete("/api-key/?api_key=" + key, owner).status()).isEqualTo(200);
            platform.databaseEndpoint().closeAllSessions();
            long upstreamBefore = platform.databaseEndpoint().upstreamConnections();

            assertThatThrownBy(() -> db.sql("SELECT 1").mapTo(Integer.class).one().block(TIMEOUT))
                    .satisfies(error -> assertThat(sqlState(error)).isEqualTo("28P01"))
                    .satisfies(error -> assertThat(stackTrace(error)).doesNotContain(key));
            assertThat(platform.databaseEndpoint().upstreamConnections()).isEqualTo(upstreamBefore);
        } finally {
            db.close().block(TIMEOUT);
        }
    }

    @Test
    void thePoolReconnectsAfterThePlatformClosedItsSessions() {
        SqlClient db = bitio(owner, SSLMode.REQUIRE);
        try {
            assertThat(db.sql("SELECT 1").mapTo(Integer.class).one().block(TIMEOUT)).isEqualTo(1);
            long authenticated = platform.databaseEndpoint().authenticatedSessions();

            assertThat(platform.databaseEndpoint().closeAllSessions()).isPositive();

            assertThat(db.sql("SELECT 2").mapTo(Integer.class).one().block(TIMEOUT)).isEqualTo(2);
            assertThat(platform.databaseEndpoint().authenticatedSessions()).isGreaterThan(authenticated);
        } finally {
            db.close().block(TIMEOUT);
        }
    }

    private static String stackTrace(Throwable error) {
        java.io.StringWriter out = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}

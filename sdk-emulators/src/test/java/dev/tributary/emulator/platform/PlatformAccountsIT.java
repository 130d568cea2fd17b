package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.Tributary;
import dev.tributary.emulator.platform.PlatformHttp.Answer;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Service accounts, API keys, the PostgreSQL login a gateway asks for, injected faults and request
 * counters.
 */
class PlatformAccountsIT {

    private static PlatformEmulator platform;
    private static PlatformHttp http;
    private static String olivia;
    private static String etlId;
    private static String biId;

    @BeforeAll
    static void start() {
        platform = PlatformEmulator.builder().build().start();
        http = new PlatformHttp(platform.baseUrl());
        olivia = platform.createUser("olivia");
        platform.createDatabase("olivia", "a").block(PlatformHttp.TIMEOUT);
        platform.createDatabase("olivia", "b").block(PlatformHttp.TIMEOUT);
        etlId = platform.createServiceAccount("olivia", "olivia-etl", DatabaseRole.WRITER, "olivia/a");
        biId = platform.createServiceAccount("olivia", "olivia-bi", DatabaseRole.READER, "olivia/a", "olivia/b");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void listsAndShowsTheUsersServiceAccounts() {
        Answer list = http.get("/service-account/", olivia);
        assertThat(list.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.json().get("service_accounts").forEach(sa -> names.add(sa.get("name").asText()));
        // oldest first (other tests of the class add more)
        assertThat(names.subList(0, 2)).containsExactly("olivia-etl", "olivia-bi");

        JsonNode bi = http.get("/service-account/" + biId, olivia).json();
        assertThat(bi.get("id").asText()).isEqualTo(biId);
        assertThat(bi.get("role").asText()).isEqualTo("READER");
        assertThat(bi.get("date_created").asText()).isNotBlank();
        List<String> dbs = new ArrayList<>();
        bi.get("databases").forEach(d -> {
            assertThat(UUID.fromString(d.get("id").asText())).isNotNull();
            dbs.add(d.get("name").asText());
        });
        assertThat(dbs).containsExactlyInAnyOrder("olivia/a", "olivia/b");
        assertThat(bi.has("token_count")).isTrue();
        assertThat(bi.has("active_token_count")).isTrue();

        String stranger = platform.createUser("stranger");
        assertThat(http.get("/service-account/" + biId, stranger).status()).isEqualTo(404);
        assertThat(http.get("/service-account/", stranger).json().get("service_accounts")).isEmpty();
        assertThat(http.get("/service-account/" + UUID.randomUUID(), olivia).status()).isEqualTo(404);
        Answer bySa = http.get("/service-account/", platform.createApiKey("olivia-etl"));
        assertThat(bySa.status()).isEqualTo(403);
        PlatformDatabasesIT.assertDjangoShape(bySa, 403);
        assertThat(http.get("/service-account/", null).status()).isEqualTo(401);
    }

    @Test
    void aServiceAccountsKeysAreCreatedAndRevokedTogether() {
        String sa = platform.createServiceAccount("olivia", "olivia-keys", DatabaseRole.WRITER, "olivia/b");
        JsonNode first = http.post("/service-account/" + sa + "/api-key/", olivia, null).json();
        JsonNode second = http.post("/service-account/" + sa + "/api-key/", olivia, null).json();
        assertThat(first.get("api_key").asText()).matches("v2_\\w+").isNotEqualTo(second.get("api_key").asText());
        assertThat(first.get("username").asText()).isEqualTo("olivia-keys");
        String key = first.get("api_key").asText();
        assertThat(http.get("/db/olivia/b", key).json().get("role").asText()).isEqualTo("WRITER");
        JsonNode counted = http.get("/service-account/" + sa, olivia).json();
        assertThat(counted.get("token_count").asInt()).isEqualTo(2);
        assertThat(counted.get("active_token_count").asInt()).isEqualTo(2);

        Answer revoked = http.delete("/service-account/" + sa + "/api-key/", olivia);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revoked").asInt()).isEqualTo(2);
        for (String k : List.of(key, second.get("api_key").asText())) {
            assertThat(http.get("/db/", k).status()).isEqualTo(401);
            assertThat(http.get("/db/olivia/b", k).status()).isEqualTo(401);
            assertThat(http.post("/query", k, "{\"database_name\": \"olivia/b\", \"query_string\": \"SELECT 1\"}").status()).isEqualTo(401);
            assertThat(platform.postgresLogin("olivia/b", k).blockOptional()).isEmpty();
        }
        JsonNode after = http.get("/service-account/" + sa, olivia).json();
        assertThat(after.get("token_count").asInt()).isEqualTo(2);
        assertThat(after.get("active_token_count").asInt()).isZero();
        String fresh = http.post("/service-account/" + sa + "/api-key/", olivia, null).json().get("api_key").asText();
        assertThat(http.get("/db/", fresh).status()).isEqualTo(200);
        assertThat(http.post("/service-account/" + UUID.randomUUID() + "/api-key/", olivia, null).status()).isEqualTo(404);
    }

    @Test
    void callersCreateAndRevokeTheirOwnKeys() {
        String pat = platform.createUser("pat");
        JsonNode created = http.post("/api-key/", pat, null).json();
        assertThat(created.get("username").asText()).isEqualTo("pat");
        String second = created.get("api_key").asText();
        assertThat(http.get("/db/", second).status()).isEqualTo(200);

        assertThat(http.delete("/api-key/?api_key=" + olivia, pat).status()).as("another account's key").isEqualTo(404);
        assertThat(http.get("/db/", olivia).status()).isEqualTo(200);
        assertThat(http.delete("/api-key/?api_key=" + second, pat).status()).isEqualTo(200);
        assertThat(http.get("/db/", second).status()).isEqualTo(401);
        assertThat(http.get("/db/", pat).status()).isEqualTo(200);

        String third = http.post("/api-key/", pat, null).json().get("api_key").asText();
        Answer all = http.delete("/api-key/", third);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().get("revoked").asInt()).isEqualTo(2);
        assertThat(http.get("/db/", pat).status()).isEqualTo(401);
        assertThat(http.get("/db/", third).status()).isEqualTo(401);
    }

    @Test
    void aGatewayGetsThePostgresLoginOfAKeyAndTheLoginHasTheKeysRights() {
        PostgresLogin owner = platform.postgresLogin("olivia/a", olivia).block();
        assertThat(owner).isNotNull();
        assertThat(owner.role()).isEqualTo(DatabaseRole.OWNER);
        assertThat(owner.database()).isEqualTo("olivia/a");
        assertThat(owner.toString()).doesNotContain(owner.password()).contains("REDACTED");
        withLogin(owner, db -> {
            db.sql("CREATE TABLE gateway_made (n int)").rowsUpdated().block(PlatformHttp.TIMEOUT);
            assertThat(db.sql("INSERT INTO gateway_made VALUES (1), (2)").rowsUpdated().block(PlatformHttp.TIMEOUT)).isEqualTo(2);
        });
        // what the gateway's session wrote, the API sees
        assertThat(http.post("/query", olivia, "{\"database_name\": \"olivia/a\", \"query_string\": \"SELECT sum(n) FROM gateway_made\"}")
                .json().get("data").get(0).get(0).asInt()).isEqualTo(3);

        String biKey = platform.createApiKey("olivia-bi");
        PostgresLogin reader = platform.postgresLogin("olivia/a", biKey).block();
        assertThat(reader.role()).isEqualTo(DatabaseRole.READER);
        assertThat(reader.user()).isNotEqualTo(owner.user());
        withLogin(reader, db -> {
            assertThat(db.sql("SELECT count(*) FROM gateway_made").map(r -> r.get(0, Long.class)).one().block(PlatformHttp.TIMEOUT)).isEqualTo(2);
            assertThatThrownBy(() -> db.sql("INSERT INTO gateway_made VALUES (3)").rowsUpdated().block(PlatformHttp.TIMEOUT))
                    .isInstanceOfSatisfying(R2dbcException.class, e -> assertThat(e.getSqlState()).isEqualTo("25006"));
        });
        String etlKey = platform.createApiKey("olivia-etl");
        assertThat(platform.postgresLogin("olivia/a", etlKey).block().role()).isEqualTo(DatabaseRole.WRITER);
        assertThat(platform.postgresLogin("olivia/b", etlKey).blockOptional()).as("a database the account does not list").isEmpty();
        assertThat(platform.postgresLogin("olivia/nope", olivia).blockOptional()).isEmpty();
        assertThat(platform.postgresLogin("olivia/a", "v2_notakey").blockOptional()).isEmpty();
        assertThat(platform.postgresLogin("olivia/a", null).blockOptional()).isEmpty();
        String quinn = platform.createUser("quinn");
        assertThat(platform.postgresLogin("olivia/a", quinn).blockOptional()).as("a private database of another user").isEmpty();
    }

    private static void withLogin(PostgresLogin login, java.util.function.Consumer<SqlClient> work) {
        SqlClient db = Tributary.sql(ConnectionFactoryOptions.builder()
                        .option(ConnectionFactoryOptions.DRIVER, "postgresql")
                        .option(ConnectionFactoryOptions.HOST, login.host())
                        .option(ConnectionFactoryOptions.PORT, login.port())
                        .option(ConnectionFactoryOptions.USER, login.user())
                        .option(ConnectionFactoryOptions.PASSWORD, login.password())
                        .option(ConnectionFactoryOptions.DATABASE, login.database())
                        .build())
                .pool(PoolSettings.unpooled())
                .build();
        try {
            work.accept(db);
        } finally {
            db.close().block(PlatformHttp.TIMEOUT);
        }
    }

    @Test
    void injectedFaultsAnswerInsteadOfTheApiAndAreCounted() {
        platform.resetRequestCounts();
        platform.enqueueFaults("GET", "/v2beta/db/?", 2, Fault.tooManyRequests(Duration.ofMillis(1500)));
        Instant retryAt = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        platform.enqueueFaults("GET", "/v2beta/db/?", 1, Fault.tooManyRequests(retryAt));
        platform.enqueueFaults(null, "/v2beta/db/?", 1, Fault.serviceUnavailable());
        platform.enqueueFaults("GET", "/v2beta/db/?", 1, Fault.status(502, "text/plain", "Bad Gateway"));
        platform.enqueueFaults("GET", "/v2beta/db/?", 1, Fault.dropConnection());
        assertThat(platform.pendingFaults()).isEqualTo(6);

        // a method the entries do not name passes (the 503 entry takes any method)
        Answer posted = http.post("/db/", olivia, "{\"name\": \"during-faults\"}");
        assertThat(posted.status()).isEqualTo(503);

        for (int i = 0; i < 2; i++) {
            Answer throttled = http.get("/db/", olivia);
            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("2");
            assertThat(throttled.json().get("detail").asText()).contains("throttled").contains("2 seconds");
        }
        Answer dated = http.get("/db/", olivia);
        assertThat(dated.status()).isEqualTo(429);
        assertThat(ZonedDateTime.parse(dated.headers().get(HttpHeaderNames.RETRY_AFTER), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .isEqualTo(retryAt);
        assertThat(dated.headers().get(HttpHeaderNames.RETRY_AFTER)).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        Answer gateway = http.get("/db/", olivia);
        assertThat(gateway.status()).isEqualTo(502);
        assertThat(gateway.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/plain");
        assertThat(gateway.text()).isEqualTo("Bad Gateway");
        assertThatThrownBy(() -> http.get("/db/", olivia)).hasMessageContaining("prematurely closed");
        assertThat(platform.pendingFaults()).isZero();

        Answer normal = http.get("/db/", olivia);
        assertThat(normal.status()).isEqualTo(200);
        assertThat(normal.json().has("databases")).isTrue();
        assertThat(platform.requestCount("GET", "/v2beta/db/?")).isEqualTo(6);
        assertThat(platform.requestCount("post", "/v2beta/db/?")).isEqualTo(1);
        assertThat(platform.requestCount(null, "/v2beta/db/?")).isEqualTo(7);
    }

    @Test
    void aServiceUnavailableFaultSendsAnHtmlPageAndItsRetryAfter() {
        platform.enqueueFaults("POST", "/v2beta/query", 1, Fault.serviceUnavailable(Duration.ofSeconds(3)));
        Answer unavailable = http.post("/query", olivia, "{\"database_name\": \"olivia/a\", \"query_string\": \"SELECT 1\"}");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("3");
        assertThat(unavailable.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/html");
        assertThat(unavailable.text()).contains("<h1>503 Service Temporarily Unavailable</h1>");
        assertThat(http.post("/query", olivia, "{\"database_name\": \"olivia/a\", \"query_string\": \"SELECT 1\"}").status()).isEqualTo(200);

        platform.enqueueFaults("GET", "/never", 3, Fault.tooManyRequests());
        platform.clearFaults();
        assertThat(platform.pendingFaults()).isZero();
    }

    @Test
    void requestCountersCountEveryRequestByMethodAndPath() {
        platform.resetRequestCounts();
        String id = http.post("/db/olivia/a/export/", olivia, "{\"export_format\": \"csv\", \"query_string\": \"SELECT 1\"}").json().get("id").asText();
        JsonNode job = http.awaitJob("/export/" + id, olivia);
        assertThat(job.get("state").asText()).isEqualTo("DONE");
        long polls = platform.requestCount("GET", "/v2beta/export/" + id);
        assertThat(polls).isGreaterThanOrEqualTo(1);
        assertThat(platform.requestCount("GET", "/v2beta/export/.*")).isEqualTo(polls);
        assertThat(platform.requestCount("POST", "/v2beta/db/olivia/a/export/")).isEqualTo(1);
        assertThat(platform.requestCount("GET", "/v2beta/import/.*")).isZero();
        http.get(job.get("download_url").asText(), null);
        assertThat(platform.requestCount("GET", "/downloads/.*")).isEqualTo(1);
        platform.resetRequestCounts();
        assertThat(platform.requestCount(null, ".*")).isZero();
    }
}

package dev.tributary.http.platform;

import com.fasterxml.jackson.annotation.JsonFormat;
import dev.tributary.emulator.platform.DatabaseRole;
import dev.tributary.emulator.platform.Fault;
import dev.tributary.emulator.platform.PlatformEmulator;
import dev.tributary.http.HttpBadRequestException;
import dev.tributary.http.HttpConflictException;
import dev.tributary.http.HttpException;
import dev.tributary.http.HttpForbiddenException;
import dev.tributary.http.HttpNonTransientException;
import dev.tributary.http.HttpNotFoundException;
import dev.tributary.http.HttpTransientException;
import dev.tributary.http.HttpUnauthorizedException;
import dev.tributary.http.RetrySettings;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The platform client against the platform emulator over an embedded PostgreSQL: every database,
 * query, service-account and key endpoint, typed errors from the service's own answers, and the
 * retries on injected 429/503 counted by the emulator.
 */
@ExtendWith(NettyLeakCheck.class)
class PlatformClientIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static PlatformEmulator emulator;
    private static String aliceKey;
    private static PlatformClient alice;

    @BeforeAll
    static void start() {
        emulator = PlatformEmulator.builder().build().start();
        aliceKey = emulator.createUser("alice");
        alice = client(aliceKey);
        alice.databases().create("demo").block(TIMEOUT);
        alice.query("alice/demo", """
                CREATE TABLE cities (id int4 PRIMARY KEY, name text NOT NULL, population int8, area numeric(10,2),
                                     capital boolean, founded date, tags text[], extra jsonb)""").rows().blockLast(TIMEOUT);
        alice.query("alice/demo", """
                INSERT INTO cities VALUES
                  (1, 'Oslo', 709037, 454.03, true, '1048-01-01', '{fjord,capital}', '{"county": "Oslo"}'),
                  (2, 'Bergen', 291940, 465.30, false, '1070-01-01', '{rain}', null),
                  (3, 'Tromsø', 77544, null, false, null, '{}', '{"aurora": true}')""").rows().blockLast(TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (alice != null) {
            alice.closeLater().block(TIMEOUT);
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @AfterEach
    void noFaultLeft() {
        emulator.clearFaults();
    }

    private static PlatformClient client(String key) {
        return PlatformClient.builder().baseUrl(emulator.baseUrl()).apiKey(key)
                .retry(RetrySettings.builder().backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build())
                .build();
    }

    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record CityRow(int id, String name, Long population) {
    }

    record City(int id, String name, Long population, BigDecimal area, Boolean capital) {
    }

    // --- databases

    @Test
    void createsListsGetsRenamesAndDeletesADatabase() {
        Database created = alice.databases().create(CreateDatabase.named("scratch").withPrivate(false)
                .withStorageLimitBytes(1_000_000_000L)).block(TIMEOUT);
        assertThat(created.name()).isEqualTo("alice/scratch");
        assertThat(created.isPrivate()).isFalse();
        assertThat(created.storageLimitBytes()).isEqualTo(1_000_000_000L);
        assertThat(created.role()).isEqualTo(Role.OWNER);

        assertThat(alice.databases().list().map(Database::name).collectList().block(TIMEOUT)).contains("alice/demo", "alice/scratch");
        assertThat(alice.databases().get("alice/scratch").block(TIMEOUT).id()).isEqualTo(created.id());

        Database renamed = alice.databases().update("alice/scratch", UpdateDatabase.rename("scratch two").withPrivate(true))
                .block(TIMEOUT);
        assertThat(renamed.name()).isEqualTo("alice/scratch two");
        assertThat(renamed.isPrivate()).isTrue();
        assertThat(alice.databases().get("alice/scratch two").block(TIMEOUT).id()).isEqualTo(created.id());
        assertThatThrownBy(() -> alice.databases().get("alice/scratch").block(TIMEOUT)).isInstanceOf(HttpNotFoundException.class);

        assertThat(alice.databases().delete("alice/scratch two").block(TIMEOUT).id()).isEqualTo(created.id());
        assertThat(alice.databases().list().map(Database::name).collectList().block(TIMEOUT)).doesNotContain("alice/scratch two");
    }

    @Test
    void signalsTheServicesRefusalsAsTypedExceptions() {
        assertThatThrownBy(() -> alice.databases().create("demo").block(TIMEOUT))
                .isInstanceOf(HttpConflictException.class)
                .satisfies(e -> assertThat(((HttpException) e).getServiceError()).isPresent());
        assertThatThrownBy(() -> alice.databases().get("alice/none").block(TIMEOUT)).isInstanceOf(HttpNotFoundException.class);
        assertThatThrownBy(() -> alice.databases().create("bad name!").block(TIMEOUT)).isInstanceOf(HttpBadRequestException.class);

        String readerKey;
        emulator.createServiceAccount("alice", "demo-reader", DatabaseRole.READER, "alice/demo");
        readerKey = emulator.createApiKey("demo-reader");
        try (PlatformClient reader = client(readerKey)) {
            assertThat(reader.databases().get("alice/demo").block(TIMEOUT).role()).isEqualTo(Role.READER);
            assertThatThrownBy(() -> reader.databases().update("alice/demo", UpdateDatabase.changes().withPrivate(false)).block(TIMEOUT))
                    .isInstanceOf(HttpForbiddenException.class);
            assertThatThrownBy(() -> reader.databases().delete("alice/demo").block(TIMEOUT))
                    .isInstanceOf(HttpForbiddenException.class);
        }
    }

    // --- query

    @Test
    void queriesRowsAsArraysWithTheColumnTypes() {
        List<List<Object>> rows = alice.query("alice/demo", "SELECT id, name, population, capital, tags FROM cities ORDER BY id")
                .rows().collectList().block(TIMEOUT);

        assertThat(rows).containsExactly(
                List.of(1, "Oslo", 709037, true, List.of("fjord", "capital")),
                List.of(2, "Bergen", 291940, false, List.of("rain")),
                List.of(3, "Tromsø", 77544, false, List.of()));
        assertThat(alice.query("alice/demo", "SELECT * FROM cities").columns().block(TIMEOUT))
                .extracting(QueryColumn::name, QueryColumn::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("id", "int4"), org.assertj.core.groups.Tuple.tuple("name", "text"),
                        org.assertj.core.groups.Tuple.tuple("population", "int8"), org.assertj.core.groups.Tuple.tuple("area", "numeric"),
                        org.assertj.core.groups.Tuple.tuple("capital", "bool"), org.assertj.core.groups.Tuple.tuple("founded", "date"),
                        org.assertj.core.groups.Tuple.tuple("tags", "_text"), org.assertj.core.groups.Tuple.tuple("extra", "jsonb"));
        assertThat(alice.query("alice/demo", "SELECT id, name, population FROM cities ORDER BY id").rows(CityRow.class)
                .collectList().block(TIMEOUT))
                .containsExactly(new CityRow(1, "Oslo", 709037L), new CityRow(2, "Bergen", 291940L), new CityRow(3, "Tromsø", 77544L));
    }

    @Test
    void queriesRowsAsObjectsAndDecodesThemByColumnName() {
        List<Map<String, Object>> rows = alice.query("alice/demo", "SELECT id, name, extra FROM cities ORDER BY id").objects()
                .collectList().block(TIMEOUT);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly(Map.entry("id", 1), Map.entry("name", "Oslo"), Map.entry("extra", Map.of("county", "Oslo")));
        assertThat(rows.get(1)).containsEntry("extra", null);

        List<City> cities = alice.query("alice/demo", "SELECT id, name, population, area, capital FROM cities ORDER BY id")
                .objects(City.class).collectList().block(TIMEOUT);
        assertThat(cities).containsExactly(
                new City(1, "Oslo", 709037L, new BigDecimal("454.03"), true),
                new City(2, "Bergen", 291940L, new BigDecimal("465.30"), false),
                new City(3, "Tromsø", 77544L, null, false));
    }

    @Test
    void returnsNoRowsForAStatementWithoutResultAndTypesSqlErrors() {
        assertThat(alice.query("alice/demo", "UPDATE cities SET population = population WHERE id = 0").rows().collectList()
                .block(TIMEOUT)).isEmpty();
        assertThat(alice.query("alice/demo", "SELECT id FROM cities WHERE id < 0").objects().collectList().block(TIMEOUT)).isEmpty();
        assertThatThrownBy(() -> alice.query("alice/demo", "SELECT * FROM citiez").rows().blockLast(TIMEOUT))
                .isInstanceOf(HttpBadRequestException.class)
                .hasMessageContaining("42P01");
        assertThatThrownBy(() -> alice.query("alice/nowhere", "SELECT 1").rows().blockLast(TIMEOUT))
                .isInstanceOf(HttpNonTransientException.class);
    }

    // --- service accounts and keys

    @Test
    void issuesServiceAccountKeysThatWorkUntilRevoked() {
        UUID id = UUID.fromString(emulator.createServiceAccount("alice", "etl", DatabaseRole.WRITER, "alice/demo"));

        ServiceAccount listed = alice.serviceAccounts().list().filter(a -> a.id().equals(id)).single().block(TIMEOUT);
        assertThat(listed.name()).isEqualTo("etl");
        assertThat(listed.role()).isEqualTo(Role.WRITER);
        assertThat(listed.databases()).extracting(ServiceAccount.DatabaseRef::name).containsExactly("alice/demo");
        assertThat(alice.serviceAccounts().get(id).block(TIMEOUT).activeTokenCount()).isZero();

        ApiKey key = alice.serviceAccounts().createKey(id).block(TIMEOUT);
        assertThat(key.apiKey()).startsWith("v2_");
        assertThat(key.username()).isEqualTo("etl");
        assertThat(alice.serviceAccounts().get(id).block(TIMEOUT).activeTokenCount()).isEqualTo(1);
        try (PlatformClient etl = client(key.apiKey())) {
            assertThat(etl.query("alice/demo", "SELECT count(*) FROM cities").rows().blockFirst(TIMEOUT)).containsExactly(3);

            alice.serviceAccounts().revokeKeys(id).block(TIMEOUT);

            assertThatThrownBy(() -> etl.query("alice/demo", "SELECT 1").rows().blockLast(TIMEOUT))
                    .isInstanceOf(HttpUnauthorizedException.class)
                    .hasMessageNotContaining(key.apiKey());
        }
        assertThat(alice.serviceAccounts().get(id).block(TIMEOUT).activeTokenCount()).isZero();
        assertThatThrownBy(() -> alice.serviceAccounts().get(UUID.randomUUID()).block(TIMEOUT)).isInstanceOf(HttpNotFoundException.class);
    }

    @Test
    void revokesOneKeyThenAllKeysOfTheCaller() {
        String bobKey = emulator.createUser("bob");
        try (PlatformClient bob = client(bobKey)) {
            ApiKey second = bob.apiKeys().create().block(TIMEOUT);
            assertThat(second.username()).isEqualTo("bob");
            try (PlatformClient bobSecond = client(second.apiKey())) {
                assertThat(bobSecond.databases().list().collectList().block(TIMEOUT)).isEmpty();

                bob.apiKeys().revoke(second.apiKey()).block(TIMEOUT);

                assertThatThrownBy(() -> bobSecond.databases().list().blockLast(TIMEOUT)).isInstanceOf(HttpUnauthorizedException.class);
                assertThat(bob.databases().list().collectList().block(TIMEOUT)).isEmpty();
            }
            ApiKey third = bob.apiKeys().create().block(TIMEOUT);

            bob.apiKeys().revokeAll().block(TIMEOUT);

            assertThatThrownBy(() -> bob.databases().list().blockLast(TIMEOUT))
                    .isInstanceOf(HttpUnauthorizedException.class)
                    .hasMessageNotContaining(bobKey);
            try (PlatformClient bobThird = client(third.apiKey())) {
                assertThatThrownBy(() -> bobThird.apiKeys().create().block(TIMEOUT)).isInstanceOf(HttpUnauthorizedException.class);
            }
        }
    }

    // --- retries and odd answers

    @Test
    void retriesA429AfterItsRetryAfterAndCountsEveryAttempt() {
        emulator.resetRequestCounts();
        emulator.enqueueFaults("GET", "/v2beta/db/alice/demo", 2, Fault.tooManyRequests(Duration.ofSeconds(1)));
        long start = System.nanoTime();

        Database demo = alice.databases().get("alice/demo").block(TIMEOUT);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(demo.name()).isEqualTo("alice/demo");
        assertThat(emulator.requestCount("GET", "/v2beta/db/alice/demo")).isEqualTo(3);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900));     // two Retry-After: 1

        emulator.resetRequestCounts();
        emulator.enqueueFaults("GET", "/v2beta/db/", 1, Fault.tooManyRequests(Instant.now().plusSeconds(2)));
        assertThat(alice.databases().list().collectList().block(TIMEOUT)).isNotEmpty();
        assertThat(emulator.requestCount("GET", "/v2beta/db/")).isEqualTo(2);
    }

    @Test
    void retriesA503ForReadsButNotForAQueryUnlessItIsSafeToRepeat() {
        emulator.resetRequestCounts();
        emulator.enqueueFaults("GET", "/v2beta/db/", 3, Fault.serviceUnavailable());
        assertThat(alice.databases().list().map(Database::name).collectList().block(TIMEOUT)).contains("alice/demo");
        assertThat(emulator.requestCount("GET", "/v2beta/db/")).isEqualTo(4);

        emulator.enqueueFaults("POST", "/v2beta/query", 1, Fault.serviceUnavailable());
        assertThatThrownBy(() -> alice.query("alice/demo", "UPDATE cities SET population = population + 1 WHERE id = 1")
                .rows().blockLast(TIMEOUT))
                .isInstanceOf(HttpTransientException.class)
                .satisfies(e -> assertThat(((HttpException) e).getStatus()).isEqualTo(503));
        assertThat(emulator.requestCount("POST", "/v2beta/query")).isEqualTo(1);
        assertThat(alice.query("alice/demo", "SELECT population FROM cities WHERE id = 1").rows().blockFirst(TIMEOUT))
                .containsExactly(709037);   // the faulted update never reached the database

        emulator.resetRequestCounts();
        emulator.enqueueFaults("POST", "/v2beta/query", 2, Fault.serviceUnavailable(Duration.ZERO));
        assertThat(alice.query("alice/demo", "SELECT name FROM cities WHERE id = 2").safeToRepeat().rows().blockFirst(TIMEOUT))
                .containsExactly("Bergen");
        assertThat(emulator.requestCount("POST", "/v2beta/query")).isEqualTo(3);
    }

    @Test
    void runsOutOfRetriesWithTheLastErrorAndReadsBodiesThatAreNotJson() {
        emulator.resetRequestCounts();
        emulator.enqueueFaults("GET", "/v2beta/db/alice/demo", 4, Fault.status(502, "text/plain", "502 Bad Gateway: upstream reset"));
        assertThatThrownBy(() -> alice.databases().get("alice/demo").block(TIMEOUT))
                .isInstanceOf(HttpTransientException.class)
                .hasMessageContaining("502")
                .hasMessageContaining("upstream reset");
        assertThat(emulator.requestCount("GET", "/v2beta/db/alice/demo")).isEqualTo(RetrySettings.defaults().getMaxAttempts());

        emulator.enqueueFaults("GET", "/v2beta/db/alice/demo", 1, Fault.status(500, "text/html",
                "<html><body><h1>Internal Server Error</h1></body></html>"));
        assertThatThrownBy(() -> alice.databases().get("alice/demo").block(TIMEOUT))
                .isInstanceOf(HttpNonTransientException.class)
                .hasMessageContaining("Internal Server Error")
                .satisfies(e -> assertThat(((HttpException) e).getStatus()).isEqualTo(500));

        emulator.enqueueFaults("GET", "/v2beta/db/alice/demo", 1, Fault.status(200, "text/html", "<html>maintenance</html>"));
        assertThatThrownBy(() -> alice.databases().get("alice/demo").block(TIMEOUT))
                .isInstanceOf(dev.tributary.http.HttpResponseDecodingException.class);
    }

    @Test
    void retriesAReadOnADroppedConnection() {
        emulator.resetRequestCounts();
        emulator.enqueueFaults("GET", "/v2beta/service-account/", 1, Fault.dropConnection());
        assertThat(alice.serviceAccounts().list().collectList().block(TIMEOUT)).isNotNull();
        assertThat(emulator.requestCount("GET", "/v2beta/service-account/")).isEqualTo(2);
        assertThat(emulator.pendingFaults()).isZero();
    }
}

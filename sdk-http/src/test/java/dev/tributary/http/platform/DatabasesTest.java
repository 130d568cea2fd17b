package dev.tributary.http.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.http.HttpConflictException;
import dev.tributary.http.HttpNotFoundException;
import dev.tributary.http.HttpUnauthorizedException;
import dev.tributary.http.ServiceError;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(NettyLeakCheck.class)
class DatabasesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static WireServer server;
    private static PlatformClient platform;

    @BeforeAll
    static void start() {
        server = WireServer.start((request, response) -> {
            String answer = ANSWERS.getOrDefault(request.method() + " " + request.uri(), "404 {\"status_code\":404,"
                    + "\"error_id\":\"00000000-0000-4000-8000-000000000404\",\"message\":\"Database not found\"}");
            int space = answer.indexOf(' ');
            return WireServer.json(response, Integer.parseInt(answer.substring(0, space)), answer.substring(space + 1));
        });
        platform = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(Fixtures.KEY).build();
    }

    @AfterAll
    static void stop() {
        platform.closeLater().block(Duration.ofSeconds(5));
        server.close();
    }

    @BeforeEach
    void reset() {
        ANSWERS.clear();
        server.seen().clear();
    }

    @Test
    void createsADatabaseWithTheSnakeCaseBodyAndTheBearerKey() throws Exception {
        ANSWERS.put("POST /v2beta/db/", "201 " + Fixtures.database("alice/demo", false));

        Database db = platform.databases().create(CreateDatabase.named("demo").withPrivate(false)
                .withStorageLimitBytes(1_073_741_824L)).block();

        assertThat(db.name()).isEqualTo("alice/demo");
        assertThat(db.isPrivate()).isFalse();
        assertThat(db.storageUsageBytes()).isEqualTo(7_340_032L);
        WireServer.Seen seen = server.last();
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + Fixtures.KEY);
        assertThat(seen.header("Content-Type")).startsWith("application/json");
        assertThat(JSON.readTree(seen.body())).isEqualTo(JSON.readTree(
                "{\"name\":\"demo\",\"is_private\":false,\"storage_limit_bytes\":1073741824}"));
    }

    @Test
    void createByNameSendsOnlyTheName() throws Exception {
        ANSWERS.put("POST /v2beta/db/", "201 " + Fixtures.database("alice/demo", true));

        platform.databases().create("demo").block();

        assertThat(JSON.readTree(server.last().body())).isEqualTo(JSON.readTree("{\"name\":\"demo\"}"));
    }

    @Test
    void listsTheDatabasesOfTheEnvelope() {
        ANSWERS.put("GET /v2beta/db/", "200 {\"databases\":[" + Fixtures.database("alice/demo", true) + ","
                + Fixtures.database("alice/other", false) + "]}");

        List<String> names = platform.databases().list().map(Database::name).collectList().block();

        assertThat(names).containsExactly("alice/demo", "alice/other");
    }

    @Test
    void percentEncodesEachPartOfTheDatabaseNameAsOnePathSegment() throws Exception {
        ANSWERS.put("GET /v2beta/db/al%20ice/my%20db%3Fx", "200 " + Fixtures.database("al ice/my db?x", true));
        ANSWERS.put("PATCH /v2beta/db/alice/demo", "200 " + Fixtures.database("alice/demo2", false));
        ANSWERS.put("DELETE /v2beta/db/alice/demo2", "200 " + Fixtures.database("alice/demo2", false));

        assertThat(platform.databases().get("al ice/my db?x").block().name()).isEqualTo("al ice/my db?x");
        Database renamed = platform.databases().update("alice/demo", UpdateDatabase.rename("demo2").withPrivate(false)).block();
        assertThat(renamed.name()).isEqualTo("alice/demo2");
        assertThat(JSON.readTree(server.last().body())).isEqualTo(JSON.readTree("{\"name\":\"demo2\",\"is_private\":false}"));
        assertThat(platform.databases().delete("alice/demo2").block().name()).isEqualTo("alice/demo2");
        assertThat(server.seen()).extracting(WireServer.Seen::method).containsExactly("GET", "PATCH", "DELETE");
    }

    @Test
    void signalsTheServicesErrorsAsTypedExceptions() {
        ANSWERS.put("POST /v2beta/db/", "409 {\"status_code\":409,\"error_id\":\"11111111-0000-4000-8000-000000000409\","
                + "\"message\":\"A database named demo already exists\",\"error\":{\"type\":\"DatabaseExists\"}}");
        ANSWERS.put("GET /v2beta/db/alice/demo", "401 {\"detail\":\"Invalid API key\",\"uuid\":\"22222222-0000-4000-8000-000000000401\"}");

        assertThatThrownBy(() -> platform.databases().create("demo").block())
                .isInstanceOf(HttpConflictException.class)
                .hasMessageContaining("already exists")
                .satisfies(e -> assertThat(((HttpConflictException) e).getServiceError()).get()
                        .extracting(ServiceError::id).isEqualTo("11111111-0000-4000-8000-000000000409"));
        assertThatThrownBy(() -> platform.databases().get("alice/demo").block())
                .isInstanceOf(HttpUnauthorizedException.class)
                .hasMessageContaining("Invalid API key")
                .hasMessageNotContaining(Fixtures.KEY);
        assertThatThrownBy(() -> platform.databases().get("alice/missing").block())
                .isInstanceOf(HttpNotFoundException.class)
                .hasMessageContaining("/v2beta/db/alice/missing");
    }

    @Test
    void rejectsMalformedNamesAndEmptyUpdatesBeforeSendingAnything() {
        assertThatThrownBy(() -> platform.databases().get("demo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'demo'");
        assertThatThrownBy(() -> platform.databases().create("alice/demo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without its owner");
        assertThatThrownBy(() -> platform.databases().update("alice/demo", UpdateDatabase.changes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes nothing");
        assertThatThrownBy(() -> CreateDatabase.named("demo").withStorageLimitBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage_limit_bytes");
        assertThat(server.seen()).isEmpty();
    }

    @Test
    void decodesTheServicesTimestampsAndUsage() {
        ANSWERS.put("GET /v2beta/db/alice/demo", "200 " + Fixtures.database("alice/demo", true));

        Database db = platform.databases().get("alice/demo").block();

        assertThat(db.dateCreated().getNano()).isEqualTo(123_456_000);
        assertThat(db.usageCurrent().rowsQueried()).isEqualTo(12);
        assertThat(db.role()).isEqualTo(Role.OWNER);
    }
}

package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.emulator.platform.PlatformHttp.Answer;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Databases over a PostgreSQL server given to the emulator: the database endpoints against the
 * real databases behind them, authentication, roles, and the three error shapes.
 */
class PlatformDatabasesIT {

    private static EmbeddedPostgresServer pg;
    private static PlatformEmulator platform;
    private static PlatformHttp http;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgresServer.builder().start();
        platform = PlatformEmulator.builder().postgres(pg).build().start();
        http = new PlatformHttp(platform.baseUrl());
        alice = platform.createUser("alice");
        bob = platform.createUser("bob");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static JsonNode create(String key, String name) {
        Answer a = http.post("/db/", key, PlatformHttp.json(Map.of("name", name)));
        assertThat(a.status()).as("create %s: %s", name, a).isEqualTo(201);
        return a.json();
    }

    private static long postgresDatabases(String name) {
        return pg.queryForLong("SELECT count(*) FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'");
    }

    private static JsonNode query(String key, String database, String sql) {
        Answer a = http.post("/query", key, PlatformHttp.json(Map.of("database_name", database, "query_string", sql)));
        assertThat(a.status()).as("%s: %s", sql, a).isEqualTo(200);
        return a.json();
    }

    @Test
    void createsARealPostgresDatabaseAndAnswersTheDatabaseSchema() {
        JsonNode db = create(alice, "inventory");

        assertThat(UUID.fromString(db.get("id").asText())).isNotNull();
        assertThat(db.get("name").asText()).isEqualTo("alice/inventory");
        assertThat(OffsetDateTime.parse(db.get("date_created").asText())).isBefore(OffsetDateTime.now().plusSeconds(1));
        assertThat(db.get("is_private").asBoolean()).isTrue();
        assertThat(db.get("role").asText()).isEqualTo("OWNER");
        assertThat(db.get("storage_limit_bytes").asLong()).isEqualTo(3L * 1024 * 1024 * 1024);
        assertThat(db.get("storage_usage_bytes").asLong()).isGreaterThan(1_000_000L);   // an empty PostgreSQL 17 database is ~7.5 MB
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        assertThat(db.get("usage_current").get("rows_queried").asLong()).isZero();
        assertThat(db.get("usage_current").get("period_start").asText()).isEqualTo(month.atDay(1).toString());
        assertThat(db.get("usage_current").get("period_end").asText()).isEqualTo(month.atEndOfMonth().toString());
        assertThat(LocalDate.parse(db.get("usage_previous").get("period_start").asText())).isEqualTo(month.minusMonths(1).atDay(1));
        assertThat(postgresDatabases("alice/inventory")).isEqualTo(1);

        Answer again = http.get("/db/alice/inventory", alice);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(db.get("id"));
    }

    @Test
    void createAnswers409ForAnExistingNameAnd400ForAnInvalidOne() {
        create(alice, "twice");

        Answer conflict = http.post("/db/", alice, "{\"name\": \"twice\"}");
        assertThat(conflict.status()).isEqualTo(409);
        assertDjangoShape(conflict, 409);

        for (String bad : List.of("has/slash", "x".repeat(24), " leading-space", "semi;colon", "")) {
            Answer invalid = http.post("/db/", alice, PlatformHttp.json(Map.of("name", bad)));
            assertThat(invalid.status()).as("name '%s'", bad).isEqualTo(400);
            assertDjangoShape(invalid, 400);
            assertThat(invalid.json().get("error").get("type").asText()).isEqualTo("InvalidDatabaseName");
        }
        assertThat(http.post("/db/", alice, "{\"name\": \"ok\", \"storage_limit_bytes\": -1}").status()).isEqualTo(400);
    }

    @Test
    void createAnswers422ForMissingOrMistypedFieldsAndBadJson() {
        assertValidationError(http.post("/db/", alice, "{}"), "name", "value_error.missing");
        assertValidationError(http.post("/db/", alice, "{\"name\": 42}"), "name", "type_error.str");
        assertValidationError(http.post("/db/", alice, "{\"name\": \"x\", \"is_private\": \"yes\"}"), "is_private", "type_error.bool");
        assertValidationError(http.post("/db/", alice, "{\"name\": \"x\", \"storage_limit_bytes\": 1.5}"), "storage_limit_bytes",
                "type_error.integer");
        Answer notJson = http.post("/db/", alice, "{\"name\": ");
        assertThat(notJson.status()).isEqualTo(422);
        assertThat(notJson.json().get("detail").get(0).get("type").asText()).isEqualTo("value_error.jsondecode");
        Answer empty = http.post("/db/", alice, null);
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().get("detail").get(0).get("loc").get(0).asText()).isEqualTo("body");
    }

    @Test
    void listsTheCallersDatabasesOnly() {
        String carol = platform.createUser("carol");
        String dave = platform.createUser("dave");
        create(carol, "one");
        create(carol, "two");
        create(dave, "three");

        Answer carols = http.get("/db/", carol);
        assertThat(carols.status()).isEqualTo(200);
        assertThat(names(carols.json().get("databases"))).containsExactly("carol/one", "carol/two");
        // without the trailing slash too, as the Node SDK asks
        assertThat(names(http.get("/db", dave).json().get("databases"))).containsExactly("dave/three");
    }

    @Test
    void privateDatabasesOfOthersAreNotFoundAndPublicOnesAreReadable() {
        create(alice, "secret");
        Answer hidden = http.get("/db/alice/secret", bob);
        assertThat(hidden.status()).isEqualTo(404);
        assertDjangoShape(hidden, 404);
        assertThat(http.get("/db/alice/nothing-here", alice).status()).isEqualTo(404);
        assertThat(http.get("/db/nobody/nothing", alice).status()).isEqualTo(404);

        create(alice, "open");
        assertThat(http.patch("/db/alice/open", alice, "{\"is_private\": false}").json().get("is_private").asBoolean()).isFalse();
        query(alice, "alice/open", "CREATE TABLE t AS SELECT 42 AS answer");
        Answer seen = http.get("/db/alice/open", bob);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().get("role").asText()).isEqualTo("READER");
        assertThat(query(bob, "alice/open", "SELECT answer FROM t").get("data").get(0).get(0).asInt()).isEqualTo(42);
        Answer write = http.post("/query", bob, PlatformHttp.json(Map.of("database_name", "alice/open", "query_string", "DELETE FROM t")));
        assertThat(write.status()).isEqualTo(400);
        assertThat(write.json().get("message").asText()).contains("25006");   // read_only_sql_transaction
        // a public database is readable, not listed
        assertThat(names(http.get("/db/", bob).json().get("databases"))).doesNotContain("alice/open");
    }

    @Test
    void patchRenamesThePostgresDatabaseAndUpdatesItsMetadata() {
        create(alice, "before");
        query(alice, "alice/before", "CREATE TABLE kept AS SELECT generate_series(1, 3) AS n");

        Answer patched = http.patch("/db/alice/before", alice, "{\"name\": \"after\", \"is_private\": false, \"storage_limit_bytes\": 1048576}");
        assertThat(patched.status()).as("%s", patched).isEqualTo(200);
        assertThat(patched.json().get("name").asText()).isEqualTo("alice/after");
        assertThat(patched.json().get("is_private").asBoolean()).isFalse();
        assertThat(patched.json().get("storage_limit_bytes").asLong()).isEqualTo(1_048_576L);
        assertThat(postgresDatabases("alice/after")).isEqualTo(1);
        assertThat(postgresDatabases("alice/before")).isZero();
        assertThat(http.get("/db/alice/before", alice).status()).isEqualTo(404);
        assertThat(query(alice, "alice/after", "SELECT sum(n) FROM kept").get("data").get(0).get(0).asInt()).isEqualTo(6);

        // the plan's maximum is enforced whatever is asked
        assertThat(http.patch("/db/alice/after", alice, "{\"storage_limit_bytes\": 10995116277760}").json().get("storage_limit_bytes").asLong())
                .isEqualTo(3L * 1024 * 1024 * 1024);
        create(alice, "taken");
        assertThat(http.patch("/db/alice/after", alice, "{\"name\": \"taken\"}").status()).isEqualTo(409);
        assertThat(http.patch("/db/alice/after", alice, "{\"name\": \"bad/name\"}").status()).isEqualTo(400);
        assertThat(http.patch("/db/alice/after", bob, "{\"name\": \"stolen\"}").status()).isEqualTo(403);
    }

    @Test
    void onlyTheOwnerMayDeleteAndDeletingDropsThePostgresDatabase() {
        create(alice, "doomed");
        http.patch("/db/alice/doomed", alice, "{\"is_private\": false}");
        query(alice, "alice/doomed", "CREATE TABLE t (x int)");
        long roles = pg.queryForLong("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'platform\\_%'");

        Answer forbidden = http.delete("/db/alice/doomed", bob);
        assertThat(forbidden.status()).isEqualTo(403);
        assertDjangoShape(forbidden, 403);
        assertThat(postgresDatabases("alice/doomed")).isEqualTo(1);

        Answer deleted = http.delete("/db/alice/doomed", alice);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("name").asText()).isEqualTo("alice/doomed");
        assertThat(postgresDatabases("alice/doomed")).isZero();
        assertThat(http.get("/db/alice/doomed", alice).status()).isEqualTo(404);
        assertThat(http.delete("/db/alice/doomed", alice).status()).isEqualTo(404);
        // its owner and read-only roles are gone too
        assertThat(pg.queryForLong("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'platform\\_%'")).isEqualTo(roles - 2);
    }

    @Test
    void authenticationFailuresAnswer401WithDetailAndUuid() {
        List<Answer> answers = new ArrayList<>();
        answers.add(http.get("/db/", null));
        answers.add(http.getWithAuthorization("/db/", "Token " + alice));
        answers.add(http.get("/db/", "not-a-key"));
        answers.add(http.get("/db/", "v2_unknownkeyunknownkeyunknownkey"));
        String revoked = platform.createApiKey("alice");
        assertThat(http.delete("/api-key/?api_key=" + revoked, alice).status()).isEqualTo(200);
        answers.add(http.get("/db/", revoked));
        answers.add(http.post("/query", revoked, "{\"database_name\": \"alice/inventory\", \"query_string\": \"SELECT 1\"}"));
        for (Answer a : answers) {
            assertThat(a.status()).as("%s", a).isEqualTo(401);
            assertThat(a.json().get("detail").asText()).isNotBlank();
            assertThat(UUID.fromString(a.json().get("uuid").asText())).isNotNull();
            assertThat(a.text()).doesNotContain(revoked);
        }
        // a malformed header, not a missing one
        assertThat(answers.get(1).json().get("detail").asText()).contains("Malformed");
        assertThat(answers.get(2).json().get("detail").asText()).contains("Malformed");
        assertThat(answers.get(0).json().get("detail").asText()).contains("not provided");
    }

    @Test
    void unknownPathsAnswer404AndWrongMethods405() {
        Answer unknown = http.get("/nothing", alice);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asText()).isEqualTo("Not Found");
        assertThat(http.request(HttpMethod.PUT, "/db/", alice, new byte[0], "application/json").status()).isEqualTo(405);
        assertThat(http.get(platform.baseUrl().replace("/v2beta", "/v1/db/"), alice).status()).isEqualTo(404);
    }

    @Test
    void serviceAccountsHaveTheirRoleOnTheirOwnersDatabases() {
        String erin = platform.createUser("erin");
        create(erin, "shared");
        create(erin, "private-one");
        query(erin, "erin/shared", "CREATE TABLE items (id int)");
        platform.createServiceAccount("erin", "erin-reader", DatabaseRole.READER, "erin/shared");
        platform.createServiceAccount("erin", "erin-writer", DatabaseRole.WRITER, "erin/shared");
        platform.createServiceAccount("erin", "erin-admin", DatabaseRole.ADMIN, "erin/shared");
        String reader = platform.createApiKey("erin-reader");
        String writer = platform.createApiKey("erin-writer");
        String admin = platform.createApiKey("erin-admin");

        JsonNode listed = http.get("/db/", reader).json().get("databases");
        assertThat(names(listed)).containsExactly("erin/shared");
        assertThat(listed.get(0).get("role").asText()).isEqualTo("READER");
        assertThat(http.get("/db/erin/private-one", writer).status()).isEqualTo(404);

        assertThat(query(writer, "erin/shared", "INSERT INTO items VALUES (1), (2) RETURNING id").get("data")).hasSize(2);
        Answer readOnly = http.post("/query", reader, PlatformHttp.json(Map.of("database_name", "erin/shared", "query_string",
                "INSERT INTO items VALUES (3)")));
        assertThat(readOnly.status()).isEqualTo(400);
        assertThat(readOnly.json().get("error").get("type").asText()).isEqualTo("QueryError");
        assertThat(readOnly.json().get("message").asText()).contains("read-only transaction").contains("25006");
        assertThat(query(reader, "erin/shared", "SELECT count(*) FROM items").get("data").get(0).get(0).asInt()).isEqualTo(2);

        assertThat(http.patch("/db/erin/shared", writer, "{\"is_private\": false}").status()).isEqualTo(403);
        assertThat(http.patch("/db/erin/shared", admin, "{\"is_private\": false}").status()).isEqualTo(200);
        assertThat(http.delete("/db/erin/shared", admin).status()).isEqualTo(403);
        Answer saCreates = http.post("/db/", writer, "{\"name\": \"mine\"}");
        assertThat(saCreates.status()).isEqualTo(403);
        assertDjangoShape(saCreates, 403);
    }

    @Test
    void theQueryEndpointCountsRowsQueriedInTheCurrentPeriod() {
        String frank = platform.createUser("frank");
        create(frank, "counted");
        query(frank, "frank/counted", "SELECT generate_series(1, 1234)");
        query(frank, "frank/counted", "SELECT 1 WHERE false");
        query(frank, "frank/counted", "SELECT generate_series(1, 6)");
        JsonNode db = http.get("/db/frank/counted", frank).json();
        assertThat(db.get("usage_current").get("rows_queried").asLong()).isEqualTo(1240);
        assertThat(db.get("usage_previous").get("rows_queried").asLong()).isZero();
    }

    private static List<String> names(JsonNode databases) {
        List<String> out = new ArrayList<>();
        databases.forEach(d -> out.add(d.get("name").asText()));
        return out;
    }

    static void assertDjangoShape(Answer a, int status) {
        JsonNode body = a.json();
        assertThat(body.get("status_code").asInt()).as("%s", a).isEqualTo(status);
        assertThat(UUID.fromString(body.get("error_id").asText())).isNotNull();
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.get("error").get("type").asText()).isNotBlank();
    }

    static void assertValidationError(Answer a, String field, String type) {
        assertThat(a.status()).as("%s", a).isEqualTo(422);
        JsonNode item = a.json().get("detail").get(0);
        assertThat(item.get("loc").get(0).asText()).isEqualTo("body");
        assertThat(item.get("loc").get(1).asText()).isEqualTo(field);
        assertThat(item.get("msg").asText()).isNotBlank();
        assertThat(item.get("type").asText()).isEqualTo(type);
    }
}

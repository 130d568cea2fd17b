package dev.tributary.examples.cli;

import dev.tributary.testkit.data.SharedData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tributary.emulator.platform.PlatformEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform commands ({@code db}, {@code query -d}, {@code import}, {@code export -d}) in
 * process, against a {@link PlatformEmulator} on an embedded PostgreSQL, with the API key and
 * base URL from the environment as a user would set them. stderr is not a terminal here, so jobs
 * report one line per state.
 */
class PlatformCommandsIT {

    private static PlatformEmulator platform;
    private static String key;
    private static Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeAll
    static void startThePlatformEmulator() {
        platform = PlatformEmulator.builder().build().start();
        key = platform.createUser("alice");
        env = Map.of(PlatformOptions.BASE_URL_VARIABLE, platform.baseUrl(), "TRIBUTARY_API_KEY", key);
    }

    @AfterAll
    static void stopThePlatformEmulator() {
        if (platform != null) {
            platform.close();
        }
    }

    private static CommandRun run(String... args) {
        CommandRun run = CommandRun.of(env, args);
        assertThat(run.exitCode()).as(run::toString).isZero();
        assertThat(run.out() + run.err()).as(run::toString).doesNotContain(key);
        return run;
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void createsListsGetsUpdatesAndDeletesADatabase() throws IOException {
        JsonNode created = json(run("db", "create", "alice/harbours", "--public", "--storage-limit", "1048576").out());
        assertThat(created.get("name").asText()).isEqualTo("alice/harbours");
        assertThat(created.get("is_private").asBoolean()).isFalse();
        assertThat(created.get("storage_limit_bytes").asLong()).isEqualTo(1_048_576L);
        assertThat(created.get("role").asText()).isEqualTo("OWNER");
        assertThat(created.get("date_created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode privateOne = json(run("db", "create", "lighthouses").out());
        assertThat(privateOne.get("name").asText()).isEqualTo("alice/lighthouses");
        assertThat(privateOne.get("is_private").asBoolean()).isTrue();

        JsonNode list = json(run("db", "list").out());
        List<String> names = new ArrayList<>();
        list.forEach(db -> names.add(db.get("name").asText()));
        assertThat(names).contains("alice/harbours", "alice/lighthouses");

        JsonNode got = json(run("db", "get", "alice/harbours").out());
        assertThat(got.get("id").asText()).isEqualTo(created.get("id").asText());
        assertThat(got.get("usage_current").get("rows_queried").asLong()).isZero();

        JsonNode updated = json(run("db", "update", "alice/harbours", "--name", "ports", "--private",
                "--storage-limit", "2097152").out());
        assertThat(updated.get("name").asText()).isEqualTo("alice/ports");
        assertThat(updated.get("is_private").asBoolean()).isTrue();
        assertThat(updated.get("storage_limit_bytes").asLong()).isEqualTo(2_097_152L);
        assertThat(updated.get("id").asText()).isEqualTo(created.get("id").asText());

        JsonNode deleted = json(run("db", "delete", "alice/ports").out());
        assertThat(deleted.get("name").asText()).isEqualTo("alice/ports");
        CommandRun gone = CommandRun.of(env, "db", "get", "alice/ports");
        assertThat(gone.exitCode()).as(gone::toString).isEqualTo(1);
        assertThat(gone.err()).startsWith("tributary db get: ").contains("404");
        assertThat(names(json(run("db", "list").out()))).doesNotContain("alice/ports", "alice/harbours")
                .contains("alice/lighthouses");
    }

    private static List<String> names(JsonNode databases) {
        List<String> names = new ArrayList<>();
        databases.forEach(db -> names.add(db.get("name").asText()));
        return names;
    }

    @Test
    void dbUpdateWithNothingToChangeAndBadNamesAreUsageErrors() {
        CommandRun nothing = CommandRun.of(env, "db", "update", "alice/whatever");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).startsWith("Nothing to update: give --name, --public, --private or --storage-limit");
        CommandRun both = CommandRun.of(env, "db", "update", "alice/whatever", "--public", "--private");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        CommandRun badName = CommandRun.of(env, "db", "get", "no-owner");
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).contains("<username>/<db_name>", "'no-owner'");
    }

    @Test
    void queryThroughTheHttpApiStreamsJsonRowsWithTheirTypes() throws IOException {
        platform.createDatabase("alice", "airfields").block();
        run("query", "-d", "alice/airfields", "CREATE TABLE runways (id bigint PRIMARY KEY, airport text, length_ft integer,"
                + " lighted boolean, note text, surface jsonb, headings integer[], slope numeric(4,2))");
        run("query", "-d", "alice/airfields", "INSERT INTO runways VALUES"
                + " (1, 'ENGM', 11811, true, 'west, \"01L\"', '{\"kind\": \"asphalt\", \"grooved\": true}', '{1,19}', 0.25),"
                + " (2, 'ENBR', 9810, false, NULL, NULL, '{17,35}', -1.5),"
                + " (3, 'RJTT', 9843, true, '羽田', '[\"concrete\"]', '{}', 0)");

        JsonNode rows = json(run("query", "-d", "alice/airfields", "SELECT * FROM runways ORDER BY id").out());
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).toString()).isEqualTo("{\"id\":1,\"airport\":\"ENGM\",\"length_ft\":11811,\"lighted\":true,"
                + "\"note\":\"west, \\\"01L\\\"\",\"surface\":{\"kind\":\"asphalt\",\"grooved\":true},\"headings\":[1,19],"
                + "\"slope\":0.25}");
        assertThat(rows.get(1).get("note").isNull()).isTrue();
        assertThat(rows.get(1).get("surface").isNull()).isTrue();
        assertThat(rows.get(1).get("slope").decimalValue()).isEqualByComparingTo("-1.5");
        assertThat(rows.get(2).get("note").asText()).isEqualTo("羽田");
        assertThat(rows.get(2).get("surface").get(0).asText()).isEqualTo("concrete");
        assertThat(rows.get(2).get("headings")).isEmpty();

        JsonNode count = json(run("query", "-d", "alice/airfields", "SELECT count(*) AS runways, sum(length_ft) AS total_ft"
                + " FROM runways WHERE lighted").out());
        assertThat(count.toString()).isEqualTo("[{\"runways\":2,\"total_ft\":21654}]");

        assertThat(run("query", "-d", "alice/airfields", "-o", "csv", "SELECT id, airport, surface FROM runways ORDER BY id")
                .out()).isEqualTo("id,airport,surface\n"
                + "1,ENGM,\"{\"\"kind\"\":\"\"asphalt\"\",\"\"grooved\"\":true}\"\n"
                + "2,ENBR,\n"
                + "3,RJTT,[concrete]\n");
        assertThat(run("query", "-d", "alice/airfields", "-o", "table", "--max-rows", "2",
                "SELECT airport, length_ft FROM runways ORDER BY length_ft DESC").outLines())
                .containsExactly("airport  length_ft", "-------  ---------", "ENGM         11811", "RJTT          9843", "(2 rows)");
        assertThat(json(run("query", "-d", "alice/airfields", "SELECT id FROM runways WHERE id > 99").out())).isEmpty();
    }

    @Test
    void queryFailsWithOneLineNamingTheSqlError() {
        platform.createDatabase("alice", "empty").block();
        CommandRun run = CommandRun.of(env, "query", "-d", "alice/empty", "SELECT * FROM no_such_table");
        assertThat(run.exitCode()).as(run::toString).isEqualTo(1);
        assertThat(run.err()).startsWith("tributary query: ").contains("400", "no_such_table", "42P01");
        assertThat(run.err().strip()).doesNotContain("\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void importsTheWorldCountriesAndQueriesTheirCount() throws IOException, SQLException {
        platform.createDatabase("alice", "atlas").block();
        CommandRun imported = run("import", SharedData.file("world-countries.csv").toString(), "-d", "alice/atlas",
                "--table", "countries", "--header", "first_row");

        JsonNode job = json(imported.out());
        assertThat(job.get("state").asText()).isEqualTo("DONE");
        assertThat(job.get("error_type").isNull()).isTrue();
        assertThat(job.get("date_finished").asText()).isNotEmpty();
        assertThat(imported.err().lines().toList()).first().asString()
                .matches("import world-countries\\.csv into alice/atlas: RECEIVED \\(\\d+\\.\\d s\\)");
        assertThat(imported.err().lines().toList()).last().asString()
                .matches("import world-countries\\.csv into alice/atlas: DONE \\(\\d+\\.\\d s\\)");

        JsonNode count = json(run("query", "-d", "alice/atlas", "SELECT count(*) AS countries FROM countries").out());
        assertThat(count.get(0).get("countries").asLong()).isEqualTo(250);
        JsonNode norway = json(run("query", "-d", "alice/atlas", "SELECT \"name.official\" AS official,"
                + " \"translations.jpn.common\" AS japanese FROM countries WHERE cca2 = 'NO'").out());
        assertThat(norway.toString()).isEqualTo("[{\"official\":\"Kingdom of Norway\",\"japanese\":\"ノルウェー\"}]");
        assertThat(tableRows("alice/atlas", "SELECT cca2 FROM countries")).hasSize(250);
    }

    @Test
    void importsIntoASchemaFromAUrlTheServiceFetches() throws IOException, SQLException {
        platform.createDatabase("alice", "mirror").block();
        run("import", SharedData.file("world-countries.csv").toString(), "-d", "alice/mirror", "-t", "countries");
        Path file = this.dir.resolve("nordics.csv");
        CommandRun exported = run("export", "-d", "alice/mirror", "--query",
                "SELECT cca2, \"name.common\" AS name FROM countries WHERE subregion = 'Northern Europe' ORDER BY cca2",
                "-o", file.toString());
        String downloadUrl = json(exported.out()).get("download_url").asText();
        assertThat(downloadUrl).startsWith("http://127.0.0.1:");

        run("query", "-d", "alice/mirror", "CREATE SCHEMA nordic");
        JsonNode job = json(run("import", downloadUrl, "-d", "alice/mirror", "--table", "countries", "--schema", "nordic").out());
        assertThat(job.get("state").asText()).isEqualTo("DONE");
        JsonNode rows = json(run("query", "-d", "alice/mirror", "SELECT cca2, name FROM nordic.countries ORDER BY cca2").out());
        assertThat(rows.toString()).contains("{\"cca2\":\"NO\",\"name\":\"Norway\"}", "{\"cca2\":\"IS\",\"name\":\"Iceland\"}");
        assertThat(rows).hasSize(tableRows("alice/mirror", "SELECT cca2 FROM countries WHERE subregion = 'Northern Europe'").size());
    }

    @Test
    void exportsATableAsCsvAndAsJsonWithTheTablesRows() throws IOException, SQLException {
        platform.createDatabase("alice", "exports").block();
        run("import", SharedData.file("world-countries.csv").toString(), "-d", "alice/exports", "--table", "countries");
        Map<String, Map<String, String>> table = byCca2(tableRows("alice/exports", "SELECT * FROM countries"));
        assertThat(table).hasSize(250);

        Path csv = this.dir.resolve("countries.csv");
        CommandRun csvRun = run("export", "-d", "alice/exports", "--table", "countries", "--format", "csv", "-o", csv.toString());
        JsonNode csvJob = json(csvRun.out());
        assertThat(csvJob.get("state").asText()).isEqualTo("DONE");
        assertThat(csvJob.get("export_format").asText()).isEqualTo("csv");
        assertThat(csvRun.err()).contains("export table countries from alice/exports: DONE (",
                "export table countries from alice/exports: downloaded " + String.format("%,d", Files.size(csv)) + " bytes");
        List<Map<String, String>> csvRows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv.toFile())) {
            it.forEachRemaining(csvRows::add);
        }
        assertSameRows(byCca2(csvRows), table);

        Path jsonFile = this.dir.resolve("countries.json");
        run("export", "-d", "alice/exports", "-t", "countries", "-f", "JSON", "-o", jsonFile.toString());
        List<Map<String, String>> jsonRows = new ArrayList<>();
        for (JsonNode row : json(Files.readString(jsonFile, StandardCharsets.UTF_8))) {
            Map<String, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode v = field.getValue();
                values.put(field.getKey(), v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
            }
            jsonRows.add(values);
        }
        assertSameRows(byCca2(jsonRows), table);
    }

    @Test
    void exportUsageErrorsNameTheProblem() {
        CommandRun ndjson = CommandRun.of(env, "export", "-d", "alice/x", "-t", "t", "-f", "ndjson", "-o", "x.ndjson");
        assertThat(ndjson.exitCode()).isEqualTo(2);
        assertThat(ndjson.err()).startsWith("--format ndjson is written over R2DBC only (without -d)");
        CommandRun noFile = CommandRun.of(env, "export", "-d", "alice/x", "-t", "t");
        assertThat(noFile.exitCode()).isEqualTo(2);
        assertThat(noFile.err()).startsWith("With -d, give the file to download to: -o FILE");
        CommandRun parquetOverR2dbc = CommandRun.of(Map.of("TRIBUTARY_URL", "r2dbc:postgresql://app:s3cret-pw@127.0.0.1:1/x"),
                "export", "-t", "t", "-f", "parquet");
        assertThat(parquetOverR2dbc.exitCode()).isEqualTo(2);
        assertThat(parquetOverR2dbc.err()).startsWith("--format parquet is written by the platform's export jobs only (with -d)");
    }

    @Test
    void aMalformedCsvFailsTheImportWithTheLineInTheOutput() throws IOException {
        platform.createDatabase("alice", "ledger").block();
        Path bad = Files.writeString(this.dir.resolve("payments.csv"), "id,amount\n1,10\n2,20\n3,\"thirty\n4,40\n",
                StandardCharsets.UTF_8);
        CommandRun run = CommandRun.of(env, "import", bad.toString(), "-d", "alice/ledger", "--table", "payments",
                "--header", "FIRST_ROW");

        assertThat(run.exitCode()).as(run::toString).isEqualTo(1);
        JsonNode job = json(run.out());
        assertThat(job.get("state").asText()).isEqualTo("FAILED");
        assertThat(job.get("error_type").asText()).isEqualTo("LoadError");
        assertThat(job.get("error_details").get("line").asInt()).isEqualTo(4);
        List<String> errLines = run.err().lines().toList();
        assertThat(errLines.get(errLines.size() - 2)).matches("import payments\\.csv into alice/ledger: FAILED \\(\\d+\\.\\d s\\)");
        assertThat(errLines.get(errLines.size() - 1)).startsWith("tributary import: import job " + job.get("id").asText()
                        + " ended FAILED: LoadError (error id " + job.get("error_id").asText() + "); details: ")
                .contains("line 4", "\"line\":4", "payments.csv");
        CommandRun table = CommandRun.of(env, "query", "-d", "alice/ledger", "SELECT * FROM payments");
        assertThat(table.exitCode()).isEqualTo(1);
        assertThat(table.err()).contains("42P01");
    }

    @Test
    void importOfAFileThatIsNotThereFailsBeforeAnyRequest() {
        long before = platform.requestCount("POST", "/v2beta/db/.*/import/");
        CommandRun run = CommandRun.of(env, "import", this.dir.resolve("missing.csv").toString(), "-d", "alice/atlas", "-t", "t");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("tributary import: Cannot read the file " + this.dir.resolve("missing.csv")
                + System.lineSeparator());
        assertThat(platform.requestCount("POST", "/v2beta/db/.*/import/")).isEqualTo(before);
    }

    @Test
    void withoutAnApiKeyEveryPlatformCommandIsAUsageError() {
        Map<String, String> noKey = Map.of(PlatformOptions.BASE_URL_VARIABLE, platform.baseUrl());
        List<String[]> commands = List.of(new String[] {"db", "list"}, new String[] {"db", "get", "alice/atlas"},
                new String[] {"query", "-d", "alice/atlas", "SELECT 1"},
                new String[] {"import", "x.csv", "-d", "alice/atlas", "-t", "t"},
                new String[] {"export", "-d", "alice/atlas", "-t", "t", "-o", "t.csv"});
        long requests = platform.requestCount(null, ".*");
        for (String[] args : commands) {
            CommandRun run = CommandRun.of(noKey, args);
            assertThat(run.exitCode()).as(run::toString).isEqualTo(2);
            assertThat(run.err()).as(run::toString)
                    .startsWith("No API key: set TRIBUTARY_API_KEY, or give -k/--api-key (-k alone asks for it without echo)")
                    .contains("Usage: tributary ");
            assertThat(run.out()).isEmpty();
        }
        assertThat(platform.requestCount(null, ".*")).isEqualTo(requests);
    }

    @Test
    void theApiKeyNeverAppearsInAnyOutput() throws IOException {
        String other = platform.createUser("mallory");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> wrongKey = Map.of(PlatformOptions.BASE_URL_VARIABLE, platform.baseUrl(),
                "TRIBUTARY_API_KEY", "v2_" + "x".repeat(40));
        Map<String, String> baseUrlOnly = Map.of(PlatformOptions.BASE_URL_VARIABLE, platform.baseUrl());
        List<CommandRun> runs = List.of(
                CommandRun.of(env, "db", "list"),
                CommandRun.of(baseUrlOnly, "db", "list", "-k", other),
                CommandRun.of(baseUrlOnly, "db", "list", "--api-key=" + other),
                CommandRun.of(env, "db", "get", "alice/no-such-db"),
                CommandRun.of(env, "db", "create", "bad/name/x"),
                CommandRun.of(env, "query", "-d", "alice/no-such-db", "SELECT 1"),
                CommandRun.of(wrongKey, "db", "list"),
                CommandRun.of(env, "db", "list", "--base-url", "http://127.0.0.1:" + closedPort + "/v2beta"),
                CommandRun.of(env, "db", "list", "--base-url", "http://example.com/v2beta"),
                CommandRun.of(baseUrlOnly, "load", "--api-key", other, "x.csv", "-t", "t"),
                CommandRun.of(baseUrlOnly, "query", "-k", other, "SELECT 1"),
                CommandRun.of(env, "db", "list", "--help"));
        for (CommandRun run : runs) {
            assertThat(run.out() + run.err()).as(run::toString).doesNotContain(key).doesNotContain(other)
                    .doesNotContain("x".repeat(40));
        }
        assertThat(runs.get(1).exitCode()).as(runs.get(1)::toString).isZero();
        assertThat(names(json(runs.get(1).out()))).isEmpty(); // mallory's databases: none, so the -k key was used
        assertThat(runs.get(2).exitCode()).isZero();
        assertThat(runs.get(6).exitCode()).isEqualTo(1);
        assertThat(runs.get(6).err()).startsWith("tributary db list: ").contains("401");
        assertThat(runs.get(7).exitCode()).isEqualTo(1);
        assertThat(runs.get(7).err()).contains(String.valueOf(closedPort));
        assertThat(runs.get(8).exitCode()).isEqualTo(2);
        assertThat(runs.get(8).err()).startsWith("Invalid base URL (--base-url): ");
        assertThat(runs.get(9).exitCode()).isEqualTo(2);
        assertThat(runs.get(10).exitCode()).isEqualTo(2);
        assertThat(runs.get(10).err()).startsWith("--api-key and --base-url are for the platform: name its database with -d");
    }

    @Test
    void aPlatformDatabaseAndTributaryUrlTogetherAreAUsageError() {
        Map<String, String> both = new HashMap<>(env);
        both.put("TRIBUTARY_URL", "r2dbc:postgresql://bob:hunter2@127.0.0.1:1/app");
        CommandRun query = CommandRun.of(both, "query", "-d", "alice/atlas", "SELECT 1");
        assertThat(query.exitCode()).isEqualTo(2);
        assertThat(query.err()).startsWith("Two databases: -d alice/atlas (the platform) and TRIBUTARY_URL (R2DBC)")
                .doesNotContain("hunter2");
        CommandRun export = CommandRun.of(both, "export", "-d", "alice/atlas", "-t", "t", "-o", "t.csv");
        assertThat(export.exitCode()).isEqualTo(2);
        assertThat(export.err()).startsWith("Two databases: ");
    }

    /** The oracle: the rows as PostgreSQL's text, read over JDBC as the superuser, independently of the CLI. */
    private static List<Map<String, String>> tableRows(String database, String sql) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = platform.postgres().superuserDataSource(database).getConnection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Map<String, Map<String, String>> byCca2(List<Map<String, String>> rows) {
        Map<String, Map<String, String>> byCode = new HashMap<>();
        for (Map<String, String> row : rows) {
            assertThat(byCode.put(row.get("cca2"), row)).as("cca2 %s twice", row.get("cca2")).isNull();
        }
        return byCode;
    }

    private static void assertSameRows(Map<String, Map<String, String>> exported, Map<String, Map<String, String>> table) {
        assertThat(exported.keySet()).isEqualTo(table.keySet());
        for (Map.Entry<String, Map<String, String>> row : table.entrySet()) {
            Map<String, String> file = exported.get(row.getKey());
            assertThat(file.keySet()).as("columns of %s", row.getKey()).containsExactlyElementsOf(row.getValue().keySet());
            for (Map.Entry<String, String> column : row.getValue().entrySet()) {
                assertThat(normalized(file.get(column.getKey())))
                        .as("%s of %s", column.getKey(), row.getKey())
                        .isEqualTo(normalized(column.getValue()));
            }
        }
    }

    /** SQL NULL and an empty CSV field alike; numbers by value (468 = 468.0). */
    private static String normalized(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        try {
            return new BigDecimal(value).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException text) {
            return value;
        }
    }
}

package dev.tributary.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.testkit.clickhouse.ClickHouseServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code query} and {@code load} in process, on a real ClickHouse named by TRIBUTARY_URL. */
class ClickHouseDataCommandsIT {

    private static final String PASSWORD = "Cl1ck-h0use's s3cret";

    private static ClickHouseServer ch;
    private static Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeAll
    static void startClickHouseWithASmallTable() {
        ch = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).user("loader", PASSWORD).start();
        env = Map.of("TRIBUTARY_URL", "r2dbc:clickhouse://default@127.0.0.1:" + ch.httpPort() + "/default");
        ch.query("CREATE TABLE runways (id UInt32, airport String, length_ft Nullable(Int32), lighted UInt8,"
                + " opened Date, note Nullable(String), surfaces Array(String)) ENGINE = MergeTree ORDER BY id");
        ch.query("INSERT INTO runways VALUES (1, 'ENGM', 11811, 1, '1998-10-08', 'west, \"01L\"', ['asphalt']),"
                + " (2, 'ENBR', NULL, 0, '2017-06-01', NULL, []), (3, 'RJTT', 9843, 1, '2010-10-21', '羽田', ['asphalt', 'concrete'])");
    }

    @AfterAll
    static void stopClickHouse() {
        if (ch != null) {
            ch.close();
        }
    }

    private static CommandRun run(Map<String, String> environment, String... args) {
        CommandRun run = CommandRun.of(environment, args);
        assertThat(run.exitCode()).as(run::toString).isZero();
        assertThat(run.err()).as(run::toString).isEmpty();
        return run;
    }

    @Test
    void queryPrintsAnAlignedTableOfClickHouseValues() {
        CommandRun run = run(env, "query", "SELECT id, airport, length_ft, opened, note FROM runways ORDER BY id");
        assertThat(run.outLines()).containsExactly(
                "id  airport  length_ft  opened      note",
                "--  -------  ---------  ----------  -----------",
                " 1  ENGM         11811  1998-10-08  west, \"01L\"",
                " 2  ENBR                2017-06-01",
                " 3  RJTT          9843  2010-10-21  羽田",
                "(3 rows)");
    }

    @Test
    void queryWritesCsvWithBindFreeAggregates() {
        CommandRun run = run(env, "query", "--output", "csv",
                "SELECT airport, note, length(surfaces) AS surfaces FROM runways WHERE lighted = 1 ORDER BY airport");
        assertThat(run.out()).isEqualTo("airport,note,surfaces\n"
                + "ENGM,\"west, \"\"01L\"\"\",1\n"
                + "RJTT,羽田,2\n");
    }

    @Test
    void queryWritesJsonWithNumbersNullsAndArrays() throws IOException {
        CommandRun run = run(env, "query", "-o", "json", "SELECT id, airport, length_ft, surfaces FROM runways ORDER BY id");
        JsonNode rows = new ObjectMapper().readTree(run.out());
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).toString()).isEqualTo("{\"id\":1,\"airport\":\"ENGM\",\"length_ft\":11811,\"surfaces\":[\"asphalt\"]}");
        assertThat(rows.get(1).toString()).isEqualTo("{\"id\":2,\"airport\":\"ENBR\",\"length_ft\":null,\"surfaces\":[]}");
        assertThat(rows.get(2).toString()).isEqualTo("{\"id\":3,\"airport\":\"RJTT\",\"length_ft\":9843,\"surfaces\":[\"asphalt\",\"concrete\"]}");
    }

    @Test
    void queryFailsWithOneLineNamingTheClickHouseError() {
        CommandRun run = CommandRun.of(env, "query", "SELECT * FROM no_such_table");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("tributary query: ").contains("no_such_table", "[code 60]");
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    @Test
    void loadCreatesATableFromACsvFileAndQueryCountsItsRows() throws IOException {
        Path file = Files.writeString(this.dir.resolve("rail-lines.csv"), "code,name,opened,length_km,electrified\n"
                + "R40,\"Bergen Line, Oslo–Bergen\",1999-11-27,371.2,true\n"
                + "R10,Dovre Line,2001-09-17,485.6,true\n"
                + "R30,Rauma Line,2004-11-29,114.2,false\n", StandardCharsets.UTF_8);
        CommandRun run = run(env, "load", file.toString(), "--table", "rail_lines");
        assertThat(run.outLines().get(0)).matches("Loaded 3 rows from rail-lines\\.csv into default\\.rail_lines"
                + " \\(table created\\) in [\\d,]+ ms");
        assertThat(run.outLines().subList(1, run.outLines().size())).containsExactly(
                "column       type",
                "-----------  -----------------",
                "code         Nullable(String)",
                "name         Nullable(String)",
                "opened       Nullable(Date)",
                "length_km    Nullable(Float64)",
                "electrified  Nullable(UInt8)",
                "(5 rows)");

        assertThat(run(env, "query", "-o", "csv", "SELECT count() AS lines, sum(electrified) AS electrified FROM rail_lines").out())
                .isEqualTo("lines,electrified\n3,2\n");
        assertThat(run(env, "query", "--output", "csv", "SELECT name, opened, length_km FROM rail_lines"
                + " WHERE electrified = 1 ORDER BY length_km DESC").out()).isEqualTo("name,opened,length_km\n"
                + "\"Dovre Line\",2001-09-17,485.6\n"
                + "\"Bergen Line, Oslo–Bergen\",1999-11-27,371.2\n");
    }

    @Test
    void loadAppendsAJsonFileToAnExistingTableAndQueryCountsItsRows() throws IOException {
        ch.query("CREATE TABLE visits (airport String, visitors Int64) ENGINE = MergeTree ORDER BY airport");
        Path file = Files.writeString(this.dir.resolve("visits.json"),
                "[{\"airport\":\"ENGM\",\"visitors\":28},{\"airport\":\"RJTT\",\"visitors\":87},{\"airport\":\"ENBR\",\"visitors\":5}]",
                StandardCharsets.UTF_8);
        CommandRun run = run(env, "load", file.toString(), "-t", "visits");
        assertThat(run.outLines().get(0)).matches("Loaded 3 rows from visits\\.json into default\\.visits \\(existing table\\) in [\\d,]+ ms");
        assertThat(run(env, "query", "-o", "csv", "SELECT count() AS visits, sum(visitors) AS total FROM visits").out())
                .isEqualTo("visits,total\n3,120\n");
    }

    @Test
    void neverPrintsThePasswordOfTheUrl() {
        String url = "r2dbc:clickhouse://loader:" + PASSWORD.replace("'", "%27").replace(" ", "%20") + "@127.0.0.1:" + ch.httpPort() + "/default";
        Map<String, String> withPassword = Map.of("TRIBUTARY_URL", url);
        CommandRun counted = run(withPassword, "query", "-o", "csv", "SELECT count() AS runways FROM runways");
        assertThat(counted.out()).isEqualTo("runways\n3\n");

        String wrong = "r2dbc:clickhouse://loader:Wr0ng-s3cret@127.0.0.1:" + ch.httpPort() + "/default";
        CommandRun refused = CommandRun.of(Map.of("TRIBUTARY_URL", wrong), "query", "SELECT 1");
        assertThat(refused.exitCode()).as(refused::toString).isEqualTo(1);
        assertThat(refused.err()).startsWith("tributary query: ").doesNotContain("Wr0ng-s3cret");
        assertThat(refused.out() + refused.err() + counted.err()).doesNotContain(PASSWORD).doesNotContain("Cl1ck-h0use");
    }

    @Test
    void queryWorksWithAByteHouseUrlInTheFormOfByteHouseDrivers() {
        // ByteHouse's form: user and password in the query string; TLS is ByteHouse's default, off for this local server
        String url = "r2dbc:bytehouse://127.0.0.1:" + ch.httpPort() + "/?user=loader&password="
                + PASSWORD.replace("'", "%27").replace(" ", "%20") + "&database=default&secure=false";
        CommandRun run = CommandRun.of(Map.of("TRIBUTARY_URL", url), "query", "-o", "csv", "SELECT airport FROM runways ORDER BY id");
        assertThat(run.exitCode()).as(run::toString).isZero();
        assertThat(run.out()).isEqualTo("airport\nENGM\nENBR\nRJTT\n");
        assertThat(run.out() + run.err()).doesNotContain("Cl1ck-h0use");
    }

    @Test
    void maxRowsEndsAnEndlessClickHouseStream() {
        // system.numbers never ends: the command returns only because taking 3 rows cancels the query
        CommandRun run = run(env, "query", "--max-rows", "3", "-o", "csv", "SELECT number FROM system.numbers");
        assertThat(run.out()).isEqualTo("number\n0\n1\n2\n");
    }
}

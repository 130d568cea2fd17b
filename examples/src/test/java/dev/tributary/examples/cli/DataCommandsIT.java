package dev.tributary.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.Tributary;
import dev.tributary.examples.demo.DemoDataSet;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code query}, {@code load} and {@code export} in process, on an embedded PostgreSQL named by TRIBUTARY_URL. */
class DataCommandsIT {

    private static EmbeddedPostgresServer pg;
    private static Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgresWithTheDemoDataAndASmallTable() {
        pg = EmbeddedPostgresServer.builder().start();
        env = Map.of("TRIBUTARY_URL", pg.r2dbcUrl("postgres"));
        SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).build();
        try {
            DemoDataSet.reloadAll(db).blockLast();
        } finally {
            db.close().block();
        }
        pg.execute("CREATE TABLE runways (id bigint PRIMARY KEY, airport text, length_ft integer, lighted boolean, note text)",
                "INSERT INTO runways VALUES (1, 'ENGM', 11811, true, 'west, \"01L\"'), (2, 'ENBR', 9810, false, NULL),"
                        + " (3, 'RJTT', 9843, true, '羽田')");
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    private static CommandRun run(String... args) {
        CommandRun run = CommandRun.of(env, args);
        assertThat(run.exitCode()).as(run::toString).isZero();
        assertThat(run.err()).as(run::toString).isEmpty();
        return run;
    }

    @Test
    void queryPrintsAnAlignedTableByDefault() {
        CommandRun run = run("query", "SELECT name, iso_country, elevation_ft FROM airports"
                + " ORDER BY elevation_ft DESC NULLS LAST, name LIMIT 3");
        assertThat(run.outLines()).containsExactly(
                "name                     iso_country  elevation_ft",
                "-----------------------  -----------  ------------",
                "Daocheng Yading Airport  CN                  14472",
                "Qamdo Bangda Airport     CN                  14219",
                "Xigaze Dingri Airport    CN                  14108",
                "(3 rows)");
    }

    @Test
    void queryWritesCsvWithAHeaderAndQuoting() {
        CommandRun run = run("query", "--output", "csv", "SELECT \"name.common\" AS name, \"name.official\" AS official,"
                + " \"translations.jpn.common\" AS japanese, capital FROM world_countries WHERE cca2 IN ('NO', 'JP') ORDER BY cca2");
        assertThat(run.out()).isEqualTo("name,official,japanese,capital\n"
                + "Japan,Japan,日本,Tokyo\n"
                + "Norway,\"Kingdom of Norway\",ノルウェー,Oslo\n");
    }

    @Test
    void queryWritesAJsonArrayOfRows() throws IOException {
        CommandRun run = run("query", "-o", "JSON", "SELECT code, name, continent, (SELECT count(*) FROM airports a"
                + " WHERE a.iso_country = c.code) AS airports FROM countries c WHERE code IN ('NO', 'NP') ORDER BY code");
        JsonNode rows = new ObjectMapper().readTree(run.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).toString()).isEqualTo("{\"code\":\"NO\",\"name\":\"Norway\",\"continent\":\"EU\",\"airports\":45}");
        assertThat(rows.get(1).toString()).isEqualTo("{\"code\":\"NP\",\"name\":\"Nepal\",\"continent\":\"AS\",\"airports\":8}");
    }

    @Test
    void queryStopsAfterMaxRows() {
        CommandRun run = run("query", "--max-rows", "2", "--output", "csv", "SELECT ident FROM airports ORDER BY ident");
        assertThat(run.outLines()).hasSize(3).first().isEqualTo("ident");
    }

    @Test
    void queryFailsWithOneLineNamingTheProblemAndPrintsNoTable() {
        CommandRun run = CommandRun.of(env, "query", "SELECT * FROM no_such_table");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("tributary query: ").contains("no_such_table", "42P01");
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    @Test
    void loadCreatesATableWithInferredTypesFromACsvFile() throws IOException {
        Path file = Files.writeString(this.dir.resolve("rail-lines.csv"), "code,name,opened,length_km,electrified\n"
                + "R40,\"Bergen Line, Oslo–Bergen\",1909-11-27,371.2,true\n"
                + "R10,Dovre Line,1921-09-17,485.6,true\n"
                + "R30,Rauma Line,1924-11-29,114.2,false\n", StandardCharsets.UTF_8);
        CommandRun run = run("load", file.toString(), "--table", "rail_lines");
        assertThat(run.outLines().get(0)).matches("Loaded 3 rows from rail-lines\\.csv into public\\.rail_lines"
                + " \\(table created\\) in [\\d,]+ ms");
        assertThat(run.outLines().subList(1, run.outLines().size())).containsExactly(
                "column       type",
                "-----------  ----------------",
                "code         text",
                "name         text",
                "opened       date",
                "length_km    double precision",
                "electrified  boolean",
                "(5 rows)");

        CommandRun loaded = run("query", "--output", "csv", "SELECT name, opened, length_km FROM rail_lines"
                + " WHERE electrified ORDER BY length_km DESC");
        assertThat(loaded.out()).isEqualTo("name,opened,length_km\n"
                + "\"Dovre Line\",1921-09-17,485.6\n"
                + "\"Bergen Line, Oslo–Bergen\",1909-11-27,371.2\n");
    }

    @Test
    void loadAppendsToAnExistingTableWithTheFormatGiven() throws IOException {
        pg.execute("CREATE TABLE visits (airport text, visitors bigint)");
        Path file = Files.writeString(this.dir.resolve("visits.data"),
                "{\"airport\":\"ENGM\",\"visitors\":28}\n{\"airport\":\"RJTT\",\"visitors\":87}\n", StandardCharsets.UTF_8);
        CommandRun run = run("load", file.toString(), "-t", "visits", "--format", "ndjson");
        assertThat(run.outLines().get(0)).matches("Loaded 2 rows from visits\\.data into public\\.visits \\(existing table\\) in [\\d,]+ ms");
        assertThat(run("query", "-o", "csv", "SELECT sum(visitors) AS total FROM visits").out()).isEqualTo("total\n115\n");
    }

    @Test
    void exportWritesATableAsCsv() {
        CommandRun run = run("export", "--table", "runways", "--format", "csv");
        assertThat(run.out()).isEqualTo("id,airport,length_ft,lighted,note\n"
                + "1,ENGM,11811,true,\"west, \"\"01L\"\"\"\n"
                + "2,ENBR,9810,false,\n"
                + "3,RJTT,9843,true,羽田\n");
    }

    @Test
    void exportWritesAQueryAsNdjson() {
        CommandRun run = run("export", "--query", "SELECT id, airport, lighted, note FROM runways ORDER BY id", "--format", "ndjson");
        assertThat(run.out()).isEqualTo("{\"id\":1,\"airport\":\"ENGM\",\"lighted\":true,\"note\":\"west, \\\"01L\\\"\"}\n"
                + "{\"id\":2,\"airport\":\"ENBR\",\"lighted\":false,\"note\":null}\n"
                + "{\"id\":3,\"airport\":\"RJTT\",\"lighted\":true,\"note\":\"羽田\"}\n");
    }

    @Test
    void exportWritesAFileAndSaysHowManyBytes() throws IOException {
        Path file = this.dir.resolve("airports.csv");
        CommandRun run = run("export", "--table", "airports", "--out", file.toString());
        assertThat(run.outLines()).singleElement().asString()
                .matches("Exported table airports as csv to .*airports\\.csv: [\\d,]+ bytes in [\\d,]+ ms");
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(5_211).first().asString()
                .startsWith("id,ident,type,name,");
        String bytes = run.outLines().get(0).replaceAll(".*: ([\\d,]+) bytes.*", "$1").replace(",", "");
        assertThat(Files.size(file)).isEqualTo(Long.parseLong(bytes));
    }
}

package dev.tributary.examples.cli;

import dev.tributary.testkit.clickhouse.ClickHouseServer;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tributary demo} in process with TRIBUTARY_CLICKHOUSE_URL naming a real ClickHouse: the
 * cities step loads 171,075 cities into both databases and the aggregate agrees.
 */
class ClickHouseDemoCommandIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseDemoCommandIT.class);

    private static final String CH_PASSWORD = "Ch-d3mo-s3cret";

    private static EmbeddedPostgresServer pg;
    private static ClickHouseServer ch;
    private static CommandRun demo;

    @BeforeAll
    static void startBothDatabasesAndRunTheDemo() {
        ch = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).user("demo", CH_PASSWORD).start();
        pg = EmbeddedPostgresServer.builder().start();
        demo = CommandRun.of(Map.of("TRIBUTARY_URL", pg.r2dbcUrl("postgres"),
                "TRIBUTARY_CLICKHOUSE_URL", "r2dbc:clickhouse://demo:" + CH_PASSWORD + "@127.0.0.1:" + ch.httpPort() + "/default"), "demo");
        assertThat(demo.exitCode()).as(demo::toString).isZero();
        LOG.info("the demo's ClickHouse step:\n{}", String.join("\n", demo.section("ClickHouse:")));
    }

    @AfterAll
    static void stopBothDatabases() {
        try {
            if (pg != null) {
                pg.close();
            }
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    @Test
    void loadsAllCitiesIntoBothDatabasesAndPrintsTheRates() {
        List<String> step = demo.section("ClickHouse: 171,075 GeoNames cities loaded into ClickHouse and PostgreSQL");
        assertThat(step.get(1)).matches("database\\s+table\\s+rows\\s+counted\\s+columns\\s+ms\\s+rows/s");
        assertThat(step).anySatisfy(line -> assertThat(line).matches("ClickHouse\\s+default\\.cities\\s+171075\\s+171075\\s+6\\s+\\d+\\s+\\d+"));
        assertThat(step).anySatisfy(line -> assertThat(line).matches("PostgreSQL\\s+public\\.cities\\s+171075\\s+171075\\s+6\\s+\\d+\\s+\\d+"));
    }

    @Test
    void runsTheAggregateOnBothAndTheAnswersAgreeRowByRow() {
        List<String> step = demo.section("ClickHouse: 171,075 GeoNames cities");
        int header = step.indexOf(step.stream().filter(line -> line.startsWith("country")).findFirst().orElseThrow());
        assertThat(step.get(header)).matches("country\\s+cities ch\\s+cities pg\\s+regions ch\\s+regions pg"
                + "\\s+avg_lat ch\\s+avg_lat pg\\s+max_lat ch\\s+max_lat pg");
        Pattern row = Pattern.compile("([A-Z]{2})\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(-?\\d+\\.\\d{4})\\s+(-?\\d+\\.\\d{4})"
                + "\\s+(-?\\d+\\.\\d{4})\\s+(-?\\d+\\.\\d{4})");
        List<String> rows = step.subList(header + 2, header + 12);
        long previous = Long.MAX_VALUE;
        for (String line : rows) {
            Matcher m = row.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(m.group(3)).as(line).isEqualTo(m.group(2));
            assertThat(m.group(5)).as(line).isEqualTo(m.group(4));
            assertThat(m.group(7)).as(line).isEqualTo(m.group(6));
            assertThat(m.group(9)).as(line).isEqualTo(m.group(8));
            long cities = Long.parseLong(m.group(2));
            assertThat(cities).as(line).isLessThanOrEqualTo(previous);
            previous = cities;
        }
        // GeoNames' cities above 1,000 people: the United States have the most
        assertThat(rows.get(0)).startsWith("US ");
        assertThat(step.get(header + 12)).isEqualTo("(10 rows)");
        assertThat(step).anySatisfy(line -> assertThat(line).matches("ClickHouse answered in [\\d,]+ ms, PostgreSQL in [\\d,]+ ms"));
        assertThat(step).contains("The answers agree (10 rows).");
    }

    @Test
    void keepsTheRestOfTheDemoAndNamesClickHouseWithoutItsPassword() {
        assertThat(demo.outLines()).contains("ClickHouse: r2dbc:clickhouse://127.0.0.1:" + ch.httpPort() + "/default (from TRIBUTARY_CLICKHOUSE_URL)");
        assertThat(demo.section("1. Row counts")).contains("airports         5210", "world_countries   250");
        assertThat(demo.outLines()).anySatisfy(line -> assertThat(line).matches("Demo done in [\\d,]+ ms \\(loading [\\d,]+ ms, "
                + "questions [\\d,]+ ms, Bitbucket sync [\\d,]+ ms, cities on ClickHouse and PostgreSQL [\\d,]+ ms\\)\\."));
        assertThat(demo.out() + demo.err()).doesNotContain(CH_PASSWORD);
        assertThat(demo.err()).isEmpty();
    }
}

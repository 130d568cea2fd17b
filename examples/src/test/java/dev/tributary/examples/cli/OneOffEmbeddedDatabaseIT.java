package dev.tributary.examples.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without TRIBUTARY_URL, {@code query} starts an embedded PostgreSQL with the demo data of its own. */
class OneOffEmbeddedDatabaseIT {

    @Test
    void queryWorksOutOfTheBoxOnTheDemoData() {
        CommandRun run = CommandRun.of(Map.of(), "query", "--output", "csv",
                "SELECT (SELECT count(*) FROM airports) AS airports, (SELECT count(*) FROM world_countries) AS world_countries");
        assertThat(run.exitCode()).as(run::toString).isZero();
        assertThat(run.out()).isEqualTo("airports,world_countries\n5210,250\n");
        assertThat(run.err()).startsWith("tributary: no TRIBUTARY_URL set: querying an embedded PostgreSQL on 127.0.0.1:")
                .contains("loaded with the demo data sets");
    }
}

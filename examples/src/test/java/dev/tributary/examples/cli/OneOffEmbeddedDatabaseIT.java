package dev.tributary.examples.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without TRIBUTARY_URL, commands start an embedded PostgreSQL of their own. */
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

    @Test
    void theEmbeddedDemoRestartsTheDatabaseUnderAStreamThatStillCompletes() {
        CommandRun run = CommandRun.of(Map.of(), "demo");
        assertThat(run.exitCode()).as(run::toString).isZero();
        assertThat(run.out()).contains("== 6. The database restarts while a stream of 248 queries is read ==");
        assertThat(run.outLines()).anySatisfy(line -> assertThat(line).matches("countries streamed\\s+248"))
                .anySatisfy(line -> assertThat(line).matches("airports counted\\s+5210"))
                .anySatisfy(line -> assertThat(line).matches("restart took \\(ms\\)\\s+\\d+"));
    }
}

package dev.tributary.examples.snippets;

import dev.tributary.Tributary;
import dev.tributary.examples.demo.DemoDataSet;
import dev.tributary.sql.SqlClient;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first program does what its comments say, on the demo data. */
class FirstProgramIT {

    @TempDir
    Path dir;

    @Test
    void readmeSnippetRunsAgainstRealData() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            SqlClient setup = Tributary.sql(pg.r2dbcUrl("postgres")).build();
            DemoDataSet.reloadAll(setup).blockLast(Duration.ofMinutes(1));
            setup.close().block();
            pg.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)", "INSERT INTO accounts VALUES (1, 100), (2, 0)");
            Path cities = this.dir.resolve("cities.csv");
            Files.writeString(cities, "name,lat,lng,country,admin1,admin2\nOslo,59.91273,10.74609,NO,12,0301\n"
                    + "Bergen,60.39299,5.32415,NO,46,4601\nStockholm,59.32938,18.06871,SE,26,\n", StandardCharsets.UTF_8);

            FirstProgram.Pipelines p = FirstProgram.build(pg.r2dbcUrl("postgres"), cities);
            try {
                List<FirstProgram.Airport> high = p.high().collectList().block(Duration.ofSeconds(30));
                assertThat(high).hasSize(23).contains(new FirstProgram.Airport("ZUDC", "Daocheng Yading Airport", 14472L));

                assertThat(p.moved().block(Duration.ofSeconds(10))).isEqualTo(1L);
                assertThat(p.db().sql("SELECT balance FROM accounts ORDER BY id").mapTo(Integer.class).all().collectList()
                        .block(Duration.ofSeconds(10))).containsExactly(90, 10);

                assertThat(p.loaded().block(Duration.ofSeconds(30)).rows()).isEqualTo(3);
                String csv = Flux.from(p.csv()).map(b -> StandardCharsets.UTF_8.decode(b).toString())
                        .collect(Collectors.joining()).block(Duration.ofSeconds(10));
                assertThat(csv.lines()).hasSize(3).first().asString().isEqualTo("name,lat,lng,country,admin1,admin2");
                assertThat(csv).contains("Oslo,59.91273,10.74609,NO,12,0301").contains("Bergen").doesNotContain("Stockholm");
            } finally {
                p.db().close().block(Duration.ofSeconds(10));
            }
        }
    }
}

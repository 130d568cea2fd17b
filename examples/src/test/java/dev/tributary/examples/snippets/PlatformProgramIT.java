package dev.tributary.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tributary.emulator.platform.PlatformEmulator;
import dev.tributary.http.platform.JobState;
import dev.tributary.testkit.postgres.ServerTls;

/** The README's platform program does what its comments say, against the platform emulator. */
class PlatformProgramIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void readmePlatformSnippetRunsAgainstTheEmulator() throws Exception {
        try (ServerTls tls = ServerTls.selfSigned("localhost");
             PlatformEmulator emulator = PlatformEmulator.builder().databaseTls(tls).build().start()) {
            String key = emulator.createUser("alice");
            Path cities = this.dir.resolve("cities.csv");
            Files.writeString(cities, "name,lat,lng,country,admin1,admin2\nOslo,59.91273,10.74609,NO,12,0301\n"
                    + "Bergen,60.39299,5.32415,NO,46,4601\nStockholm,59.32938,18.06871,SE,26,\n", StandardCharsets.UTF_8);
            Path parquet = this.dir.resolve("cities.parquet");

            PlatformProgram.Pipelines p = PlatformProgram.build(key, emulator.baseUrl(), "127.0.0.1",
                    emulator.databaseEndpoint().port(), cities, parquet);
            try {
                assertThat(p.created().block(TIMEOUT).name()).isEqualTo("alice/demo");
                assertThat(p.imported().block(TIMEOUT).state()).isEqualTo(JobState.DONE);

                List<Map<String, Object>> norway = p.big().collectList().block(TIMEOUT);
                assertThat(norway).containsExactly(Map.of("name", "Bergen", "country", "NO"), Map.of("name", "Oslo", "country", "NO"));

                long bytes = p.downloaded().block(TIMEOUT);
                assertThat(bytes).isPositive().isEqualTo(Files.size(parquet));
                byte[] head = new byte[4];
                try (var in = Files.newInputStream(parquet)) {
                    assertThat(in.read(head)).isEqualTo(4);
                }
                assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("PAR1");

                assertThat(p.rows().block(TIMEOUT)).isEqualTo(3L);
                assertThat(emulator.databaseEndpoint().authenticatedSessions()).isPositive();
            } finally {
                p.platform().close();
            }
        }
    }
}

package dev.tributary.examples.snippets;

import dev.tributary.http.platform.CreateExport;
import dev.tributary.http.platform.CreateImport;
import dev.tributary.http.platform.Database;
import dev.tributary.http.platform.ExportFormat;
import dev.tributary.http.platform.ImportJob;
import dev.tributary.http.platform.PlatformClient;
import dev.tributary.sql.SqlClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.util.Map;

/**
 * The README's platform program, compiled with the project so that the snippet cannot rot.
 * {@code PlatformProgramIT} runs it against the platform emulator.
 */
public final class PlatformProgram {

    /** What the snippet builds: the client (close it when done) and pipelines that run when subscribed to. */
    public record Pipelines(PlatformClient platform, Mono<Database> created, Mono<ImportJob> imported,
                            Flux<Map<String, Object>> big, Mono<Long> downloaded, Mono<Long> rows) {
    }

    private PlatformProgram() {
    }

    /**
     * @param apiKey    alice's API key
     * @param baseUrl   the platform API's base URL
     * @param dbHost    the database endpoint's host
     * @param dbPort    the database endpoint's port
     * @param citiesCsv a CSV file of cities (name, lat, lng, country, admin1, admin2)
     * @param target    where the Parquet export is written
     * @return the client and the snippet's pipelines
     */
    public static Pipelines build(String apiKey, String baseUrl, String dbHost, int dbPort, Path citiesCsv, Path target) {
        // --- README snippet starts
        PlatformClient platform = PlatformClient.builder()
                .apiKey(apiKey)                       // or .apiKeyFromEnvironment(): TRIBUTARY_API_KEY
                .baseUrl(baseUrl)                     // default https://api.bit.io/v2beta
                .databaseEndpoint(dbHost, dbPort)     // default db.bit.io:5432, sslmode=require
                .build();

        Mono<Database> created = platform.databases().create("demo");           // alice/demo

        Mono<ImportJob> imported = platform.imports()
                .create("alice/demo", CreateImport.file(citiesCsv, "cities"))   // multipart, streamed from disk
                .flatMap(job -> platform.imports().awaitCompletion(job));       // polled; FAILED: JobFailedException

        Flux<Map<String, Object>> big = platform
                .query("alice/demo", "SELECT name, country FROM cities WHERE country = 'NO' ORDER BY name")
                .safeToRepeat()                       // a read: retried on 429/503 like a GET
                .objects();                           // rows streamed with backpressure

        Mono<Long> downloaded = platform.exports()
                .create("alice/demo", CreateExport.table("cities", ExportFormat.PARQUET))
                .flatMap(job -> platform.exports().awaitCompletion(job))
                .flatMap(done -> platform.exports().downloadTo(done, target));  // bytes written

        SqlClient sql = platform.sql("alice/demo");   // R2DBC to the same database, scale-to-zero pool
        Mono<Long> rows = sql.sql("SELECT count(*) FROM cities").mapTo(Long.class).one();
        // --- README snippet ends
        return new Pipelines(platform, created, imported, big, downloaded, rows);
    }
}

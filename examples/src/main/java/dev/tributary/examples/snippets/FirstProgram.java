package dev.tributary.examples.snippets;

import dev.tributary.Tributary;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The README's "A first program", compiled with the project so that the snippet cannot rot.
 * {@code FirstProgramIT} runs it against an embedded PostgreSQL.
 */
public final class FirstProgram {

    /** An airport as the snippet maps it. */
    public record Airport(String ident, String name, Long elevationFt) {
    }

    /** What the snippet builds: the client (close it when done) and pipelines that run when subscribed to. */
    public record Pipelines(SqlClient db, Flux<Airport> high, Mono<Long> moved, Mono<LoadResult> loaded, Flux<ByteBuffer> csv) {
    }

    private FirstProgram() {
    }

    /**
     * @param url       an R2DBC URL
     * @param citiesCsv a CSV file of cities (name, lat, lng, country, admin1, admin2)
     * @return the client and the snippet's pipelines
     */
    public static Pipelines build(String url, Path citiesCsv) {
        // --- README snippet starts
        SqlClient db = Tributary.sql(url)   // any R2DBC URL
                .pool(PoolSettings.defaults())
                .build();

        Flux<Airport> high = db.sql("SELECT ident, name, elevation_ft FROM airports WHERE elevation_ft > :min")
                .bind("min", 10_000)
                .mapTo(Airport.class)          // records by component name or its snake_case form
                .all();                        // streamed: rows are fetched as demand needs them

        Mono<Long> moved = db.inTransaction(tx -> tx.sql("UPDATE accounts SET balance = balance - 10 WHERE id = $1")
                .bind(0, 1).rowsUpdated()
                .then(tx.sql("UPDATE accounts SET balance = balance + 10 WHERE id = $1").bind(0, 2).rowsUpdated()));
                // COMMIT on complete, ROLLBACK on error and on cancel

        Mono<LoadResult> loaded = db.load(LoadRequest.into("cities")
                .source(LoadSource.of(citiesCsv))        // CSV, JSON array or NDJSON
                .build());                               // table created with inferred types

        Flux<ByteBuffer> csv = db.export(ExportRequest.query("SELECT * FROM cities WHERE country = $1", "NO")
                .format(DataFormat.CSV));      // backpressured chunks, for a file or an HTTP response
        // --- README snippet ends
        return new Pipelines(db, high, moved, loaded, csv);
    }
}

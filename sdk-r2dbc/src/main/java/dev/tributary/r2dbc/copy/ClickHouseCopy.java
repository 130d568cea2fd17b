package dev.tributary.r2dbc.copy;

import dev.tributary.r2dbc.clickhouse.ClickHouseConnection;
import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Bulk load and export for ClickHouse (and ByteHouse) on a connection the caller owns (acquires,
 * releases, never closed here): the ClickHouse counterpart of {@link PostgresCopy}, behind
 * {@code SqlClient.load} and {@code SqlClient.export} when the client's driver is ClickHouse's.
 *
 * <pre>{@code
 * Mono<LoadResult> loaded = Mono.usingWhen(factory.create(),
 *         c -> ClickHouseCopy.load(c, LoadRequest.into("cities").source(LoadSource.of(Path.of("cities.csv"))).build()),
 *         Connection::close);
 * }</pre>
 *
 * <h2>Loading</h2>
 * The source is read exactly as for PostgreSQL (Jackson's streaming CSV and JSON parsers on
 * Reactor's bounded-elastic scheduler; columns from the header or keys; header detection; types
 * inferred from every record of a file or the first {@code sampleRows} of a stream; malformed input
 * and values that do not fit their column are {@link dev.tributary.sql.load.LoadException}s naming
 * the line, record and column). The rows then go to ClickHouse as ONE streamed
 * {@code INSERT INTO t (columns) FORMAT TabSeparated} (chunked HTTP body, about 64 KiB chunks as
 * the socket takes them), so memory stays bounded whatever the source's size.
 * <ul>
 * <li><b>A new table</b> (when missing, unless {@code createTable(false)}) is created as
 * {@code ENGINE = MergeTree ORDER BY tuple()} (no sorting key: rows are kept in load order;
 * ClickHouse 18.16 and later) with {@code Nullable} columns: {@code BIGINT} {@code Int64},
 * {@code DOUBLE_PRECISION} {@code Float64}, {@code BOOLEAN} {@code UInt8} (1/0), {@code DATE}
 * {@code Date}, {@code TIMESTAMPTZ} {@code DateTime('UTC')} (whole seconds: a fraction is
 * dropped), {@code JSONB} and {@code TEXT} {@code String}. Dates before 1970-01-01 or after
 * 2105-12-31, and date-times outside DateTime's range, fail the load (ClickHouse would wrap them).</li>
 * <li><b>An existing table</b> is loaded by column name (exact, then case-insensitive; a CSV
 * source without a header by position); values of integer, float, Decimal, Date and DateTime
 * columns are checked client-side, others are parsed by ClickHouse.</li>
 * <li><b>No transactions.</b> ClickHouse inserts a streamed body block by block
 * ({@code max_insert_block_size}, 1,048,576 rows by default) and has no rollback. So a load that
 * fails or is cancelled: into a table it created, drops that table (nothing half-written is left
 * behind; the drop's own failure, e.g. on a lost connection, is suppressed in the error); into a
 * table that existed, may leave the blocks inserted before the failure, and its
 * {@code LoadException} says so (with the number of rows sent).</li>
 * </ul>
 *
 * <h2>Exporting</h2>
 * ClickHouse writes the format itself and the body is streamed on as it arrives: CSV is
 * {@code CSVWithNames} (a header line of quoted names, always written, also for no rows; strings
 * quoted; NULL as {@code \N}, ClickHouse's CSV null, unlike the PostgreSQL export's empty field;
 * dates as {@code 2024-05-31}, date-times as {@code 2024-05-31 12:00:00} in the server's zone);
 * NDJSON is {@code JSONEachRow} (64-bit integers as JSON numbers); JSON is the same rows as an
 * array ({@code [\n{..},\n{..}\n]\n}, as the PostgreSQL export writes it). Every
 * {@link dev.tributary.sql.load.DataFormat} has a ClickHouse form.
 */
public final class ClickHouseCopy {

    private ClickHouseCopy() {
    }

    /**
     * Loads a CSV or JSON source into a ClickHouse table (see the class comment).
     *
     * @param connection a {@link ClickHouseConnection}, possibly wrapped (r2dbc-pool); not closed by the load
     * @param request    what to load, where ({@code schema} is the ClickHouse database; default the
     *                   connection's), and how
     * @return the outcome: {@code database.table}, rows loaded, whether the table was created, the
     *         columns written with their ClickHouse types, the time taken. Signals
     *         {@link dev.tributary.sql.load.LoadException} for bad input (line, record, column), and
     *         for any failure of a load into an existing table (see the class comment); the
     *         driver's {@link io.r2dbc.spi.R2dbcException} types for server errors of a load into a new table
     * @throws IllegalArgumentException if the connection is not (and does not wrap) a {@link ClickHouseConnection}
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static Mono<LoadResult> load(Connection connection, LoadRequest request) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(request, "request");
        return new ClickHouseLoad(unwrap(connection), request).run();
    }

    /**
     * Exports a table ({@code SELECT *}) or a query (binds {@code $1}..{@code $n}) in the request's
     * format, streamed as ClickHouse writes it (see the class comment).
     *
     * @param connection a {@link ClickHouseConnection}, possibly wrapped; not closed
     * @param request    the table ({@code table} or {@code database.table}) or query, and the format
     * @return UTF-8 chunks in order, as they arrive; signals the driver's {@link io.r2dbc.spi.R2dbcException}
     *         types for server errors (also one ClickHouse appends after rows), {@link IllegalArgumentException}
     *         for a malformed table name or a wrong number of parameters
     * @throws IllegalArgumentException if the connection is not (and does not wrap) a {@link ClickHouseConnection}
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static Flux<ByteBuffer> export(Connection connection, ExportRequest request) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(request, "request");
        return ClickHouseExport.export(unwrap(connection), request);
    }

    /**
     * @param connection any R2DBC connection
     * @return whether it is, or wraps, a {@link ClickHouseConnection}
     */
    public static boolean supports(Connection connection) {
        return find(connection) != null;
    }

    static ClickHouseConnection unwrap(Connection connection) {
        ClickHouseConnection found = find(connection);
        if (found == null) {
            throw new IllegalArgumentException("ClickHouse bulk load needs a " + ClickHouseConnection.class.getName()
                    + ", possibly wrapped (io.r2dbc.spi.Wrapped); got " + connection.getClass().getName());
        }
        return found;
    }

    private static ClickHouseConnection find(Connection connection) {
        Object current = connection;
        for (int depth = 0; depth < 32 && current != null; depth++) {
            if (current instanceof ClickHouseConnection clickHouse) {
                return clickHouse;
            }
            if (!(current instanceof Wrapped<?> wrapped)) {
                return null;
            }
            Object inner = wrapped.unwrap();
            if (inner == current) {
                return null;
            }
            current = inner;
        }
        return null;
    }
}

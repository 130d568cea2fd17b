package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Bulk load and export for PostgreSQL on a connection the caller owns (acquires, releases, never
 * closed here): CSV and JSON sources streamed through {@code COPY ... FROM STDIN} with
 * r2dbc-postgresql's {@code copyIn}, and tables or queries streamed out as CSV, JSON or NDJSON.
 *
 * <pre>{@code
 * Mono<LoadResult> loaded = Mono.usingWhen(factory.create(),
 *         c -> PostgresCopy.load(c, LoadRequest.into("airports").source(LoadSource.of(Path.of("airports.json"))).build()),
 *         Connection::close);
 *
 * Flux<ByteBuffer> csv = Flux.usingWhen(factory.create(),
 *         c -> PostgresCopy.export(c, ExportRequest.table("airports").format(DataFormat.CSV), 1000),
 *         Connection::close);
 * }</pre>
 *
 * <h2>Loading</h2>
 * The source is parsed client-side (Jackson's streaming CSV and JSON parsers, on Reactor's
 * bounded-elastic scheduler), each value is checked against its column's type, and the rows are
 * re-encoded as CSV and sent in 64 KiB {@code CopyData} messages as the connection takes them,
 * so memory stays bounded whatever the source's size.
 * <ul>
 * <li><b>Columns.</b> CSV: from the header ({@link dev.tributary.sql.load.HeaderMode}), else
 * {@code column_1}, {@code column_2}, ... JSON (an array of objects, or NDJSON): the keys, in the
 * order they first appear; a key missing from a record is NULL. Names are used exactly as given
 * (quoted identifiers: {@code name.common} stays one column).</li>
 * <li><b>A new table</b> is created (when missing, unless {@code createTable(false)}) with types
 * inferred from the data ({@link dev.tributary.sql.load.ColumnType}; overrides with
 * {@code columnType}). A file is read twice: once to infer the types from every record, once to
 * load. A stream is read once: the types come from its first {@code sampleRows} records (held in
 * memory), and a later value that does not fit, or a JSON key not seen in them, fails the load
 * with a {@link dev.tributary.sql.load.LoadException} saying so.</li>
 * <li><b>An existing table</b> is loaded by column name (exact, then case-insensitive; a CSV
 * source without a header by position); its columns missing from the source get their defaults;
 * a source column the table lacks is a {@code LoadException} naming it and the table's
 * columns. The rows are copied into a temporary staging table first and inserted from there in
 * one statement, so that the table's constraints and triggers act outside the {@code COPY}
 * (r2dbc-postgresql 1.1.1 can break the connection when PostgreSQL rejects a row in the middle of
 * a copy); a violated constraint is thus only reported once the whole source has been read.</li>
 * <li><b>Values.</b> Empty values are NULL, except in text columns where an empty JSON string or a
 * quoted empty CSV field {@code ""} stays an empty string (an unquoted empty CSV field is NULL, as
 * in PostgreSQL's CSV format). Dates and timestamps are ISO 8601; a timestamp without an offset
 * loaded into {@code timestamptz} is taken as UTC. Values of integer, floating point, numeric,
 * boolean, date, timestamp and json types are checked before they are sent, so a bad one is
 * reported with its line, record and column; values of other types are checked by PostgreSQL.</li>
 * <li><b>Atomicity.</b> On a connection in auto-commit the load runs in a transaction of its own
 * (table creation included); inside the caller's transaction it runs in a savepoint. Either way a
 * load that fails or is cancelled leaves nothing: a table it created no longer exists, an existing
 * table is unchanged, and the caller's transaction stays usable.</li>
 * </ul>
 */
public final class PostgresCopy {

    private PostgresCopy() {
    }

    /**
     * Loads a CSV or JSON source into a table (see the class comment). The load runs when the
     * returned {@code Mono} is subscribed to; cancelling it stops reading, aborts the {@code COPY}
     * and rolls back.
     *
     * @param connection an r2dbc-postgresql connection, possibly wrapped (r2dbc-pool); in auto-commit
     *                   or inside a transaction; not closed by the load
     * @param request    what to load, where, and how
     * @return the outcome: the schema-qualified table, rows loaded, whether the table was created, the
     *         columns written and their types, the time taken. Signals
     *         {@link dev.tributary.sql.load.LoadException} for bad input (malformed CSV or JSON, bad
     *         UTF-8, a value that does not fit its column, a column the table lacks: the message and
     *         getters name the line, record and column), the driver's
     *         {@link io.r2dbc.spi.R2dbcException} types for errors PostgreSQL raises (a violated
     *         constraint: {@code getSql()} is the statement that names the table, the {@code COPY}, or
     *         for an existing table the {@code INSERT} from the staging table), the source's own error when reading it fails (an {@code IOException},
     *         the error of a {@code Publisher} source)
     * @throws IllegalArgumentException if the connection is not (and does not wrap) an
     *                                  r2dbc-postgresql {@link PostgresqlConnection}
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static Mono<LoadResult> load(Connection connection, LoadRequest request) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(request, "request");
        return new PostgresLoad(unwrap(connection), request).run();
    }

    /**
     * Exports a table ({@code SELECT *}) or a query as CSV, a JSON array or NDJSON, streamed: rows
     * are fetched {@code fetchSize} at a time and read from the connection only as the returned
     * buffers are requested, so the {@code Flux} can be written to a file or an HTTP response
     * without holding the result in memory. Formats: see {@link ExportRequest}; CSV starts with a
     * header line written with the first row (an export of no rows is empty).
     *
     * @param connection any R2DBC connection (the caller's; not closed)
     * @param request    the table (names taken exactly as given, {@code schema.table}, parts
     *                   double-quoted if they contain a dot) or query, and the format
     * @param fetchSize  rows per round trip; 0 to let the driver fetch everything in one go (still
     *                   subject to backpressure through the socket). Ignored for a query that contains
     *                   a {@code ;} inside it (the driver refuses a fetch size there)
     * @return UTF-8 chunks of up to about 64 KiB, in order; signals the driver's
     *         {@link io.r2dbc.spi.R2dbcException} types for database errors and
     *         {@link IllegalArgumentException} for a malformed table name
     * @throws IllegalArgumentException if {@code fetchSize} is negative
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static Flux<ByteBuffer> export(Connection connection, ExportRequest request, int fetchSize) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(request, "request");
        if (fetchSize < 0) {
            throw new IllegalArgumentException("fetchSize must be 0 or more, was " + fetchSize);
        }
        return PostgresExport.export(connection, request, fetchSize);
    }

    static PostgresqlConnection unwrap(Connection connection) {
        Object current = connection;
        for (int depth = 0; depth < 32 && current != null; depth++) {
            if (current instanceof PostgresqlConnection postgres) {
                return postgres;
            }
            if (!(current instanceof Wrapped<?> wrapped)) {
                break;
            }
            Object inner = wrapped.unwrap();
            if (inner == current) {
                break;
            }
            current = inner;
        }
        throw new IllegalArgumentException("Bulk load needs an r2dbc-postgresql connection (io.r2dbc.postgresql.api.PostgresqlConnection), "
                + "possibly wrapped (io.r2dbc.spi.Wrapped); got " + connection.getClass().getName());
    }
}

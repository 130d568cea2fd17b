package dev.tributary.sql;

import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;

/**
 * What can be done with SQL on a {@link SqlClient} (each call on a pooled connection of its own)
 * or on a {@link SqlSession} (every call on the session's one connection).
 *
 * <pre>{@code
 * Flux<String> names = ops.sql("SELECT name FROM airports WHERE iso_country = :country")
 *         .bind("country", "NO")
 *         .map(row -> row.get("name", String.class))
 *         .all();
 * }</pre>
 */
public interface SqlOperations {

    /**
     * Starts a statement. Nothing runs until a terminal method of the returned statement
     * ({@link FetchSpec#all()}, {@link FetchSpec#one()}, {@link SqlStatement#rowsUpdated()}, ...)
     * is subscribed to.
     * <p>
     * Parameters are found outside string literals, quoted identifiers and comments, in the
     * database's lexical rules: PostgreSQL's ({@code ''} escapes a quote, backslashes only in
     * {@code E'...'}, {@code $tag$} quoting) or, on ClickHouse and ByteHouse, ClickHouse's (a
     * backslash escapes the next character in every literal, {@code 'it\'s'}; backtick identifiers).
     *
     * @param sql one SQL statement, with positional ({@code $1}) or named ({@code :name}) parameters;
     *            not {@code null} or blank
     * @return an immutable statement; each {@code bind} returns a new one
     * @throws IllegalArgumentException if {@code sql} is {@code null} or blank
     */
    SqlStatement sql(String sql);

    /**
     * Bulk-loads a CSV or JSON source into a table in one transaction (on PostgreSQL through
     * {@code COPY ... FROM STDIN}). When this is called on a {@link SqlClient} the load runs in a
     * transaction of its own; on a {@link SqlSession} inside {@link SqlClient#inTransaction} it
     * takes part in that transaction. A load that fails leaves the table as it was (and drops
     * it again if the load created it).
     * <p>
     * On ClickHouse (and ByteHouse), which has no transactions, the rows go as one streamed
     * {@code INSERT ... FORMAT TabSeparated} into a table found or created as
     * {@code MergeTree ORDER BY tuple()}; a failed load drops a table it created, but rows it
     * already sent into a table that existed may stay (its {@code LoadException} says so).
     * See {@code dev.tributary.r2dbc.copy.ClickHouseCopy}.
     *
     * @param request what to load, where, and how; not {@code null}
     * @return the outcome (rows loaded, columns and their types, whether the table was created);
     *         signals {@link dev.tributary.sql.load.LoadException} for bad input (naming the line,
     *         record and column), and the driver's {@link io.r2dbc.spi.R2dbcException} types for
     *         database errors
     */
    Mono<LoadResult> load(LoadRequest request);

    /**
     * Exports a table or a query as CSV, a JSON array or NDJSON, streamed with backpressure: rows
     * are read from the database only as fast as the returned buffers are requested, so the
     * {@code Flux} can be written straight to a file or an HTTP response. On ClickHouse the server
     * writes the format ({@code CSVWithNames}, {@code JSONEachRow}), so values are written as
     * ClickHouse writes them (NULL in CSV is {@code \N}); see {@code dev.tributary.r2dbc.copy.ClickHouseCopy}.
     *
     * @param request the table or query and the format; not {@code null}
     * @return UTF-8 encoded chunks (each a few KiB up to 64 KiB), in order; signals the driver's
     *         {@link io.r2dbc.spi.R2dbcException} types for database errors
     */
    Flux<ByteBuffer> export(ExportRequest request);
}

package dev.tributary.sql;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One SQL statement with its bind values, immutable: each {@code bind} returns a new statement,
 * so a statement can be prepared once and run many times.
 * <p>
 * Parameters are positional in the backend's own syntax ({@code $1, $2} on PostgreSQL; bound by
 * 0-based index) or named ({@code :name}, bound by name and rewritten to the positional form
 * before the statement is sent; a name may occur more than once). Named parameters are not
 * recognised inside string literals, quoted identifiers, comments, dollar-quoted strings or
 * {@code ::} casts.
 *
 * <pre>{@code
 * record Airport(String ident, String name, Integer elevationFt) {}
 *
 * Flux<Airport> high = db.sql("SELECT ident, name, elevation_ft FROM airports WHERE elevation_ft > :min")
 *         .bind("min", 10_000)
 *         .mapTo(Airport.class)
 *         .all();
 * }</pre>
 */
public interface SqlStatement {

    /**
     * Binds a positional parameter.
     *
     * @param index 0-based ({@code 0} is {@code $1})
     * @param value not {@code null}; use {@link #bindNull(int, Class)} for SQL {@code NULL}
     * @return a new statement with the value bound
     * @throws IllegalArgumentException if {@code index} is negative or {@code value} is {@code null}
     * @throws IllegalStateException    if the statement uses named parameters
     */
    SqlStatement bind(int index, Object value);

    /**
     * Binds a named parameter ({@code :name} in the SQL).
     *
     * @param name  the parameter's name without the colon
     * @param value not {@code null}; use {@link #bindNull(String, Class)} for SQL {@code NULL}
     * @return a new statement with the value bound
     * @throws IllegalArgumentException if the SQL has no parameter of that name, or {@code value}
     *                                  is {@code null}
     */
    SqlStatement bind(String name, Object value);

    /**
     * Binds SQL {@code NULL} of a given type to a positional parameter.
     *
     * @param index 0-based
     * @param type  the Java type the driver uses to choose the SQL type ({@code Integer.class}
     *              for {@code int4}, ...); not {@code null}
     * @return a new statement
     * @throws IllegalArgumentException if {@code index} is negative or {@code type} is {@code null}
     */
    SqlStatement bindNull(int index, Class<?> type);

    /**
     * Binds SQL {@code NULL} of a given type to a named parameter.
     *
     * @param name the parameter's name without the colon
     * @param type the Java type the driver uses to choose the SQL type; not {@code null}
     * @return a new statement
     * @throws IllegalArgumentException if the SQL has no parameter of that name or {@code type}
     *                                  is {@code null}
     */
    SqlStatement bindNull(String name, Class<?> type);

    /**
     * Sets how many rows are fetched from the server per round trip when the statement is a
     * query. Without it, {@link FetchSpec#all()} and {@link FetchSpec#first()} use the client's
     * configuration (1,000 rows) and {@link FetchSpec#one()} reads its at most one row in a single
     * round trip, with no fetch size.
     *
     * @param rows at least 1
     * @return a new statement
     * @throws IllegalArgumentException if {@code rows} is below 1
     */
    SqlStatement fetchSize(int rows);

    /**
     * Says whether running the statement twice has the same effect as running it once, which decides
     * what happens when the connection is lost under it (outside an explicit transaction):
     * <ul>
     *   <li>an idempotent statement that has not emitted a row yet is run again on a fresh
     *       connection (up to 3 more times, after 20 to 500 ms);</li>
     *   <li>any other statement is not run again, and signals {@link OutcomeUnknownException}.</li>
     * </ul>
     * By default reads are idempotent and writes are not: a single {@code SELECT},
     * {@code WITH ... SELECT} without data-modifying parts, {@code VALUES}, {@code TABLE} or
     * {@code SHOW}, not mentioning {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE},
     * {@code INTO}, {@code COPY}, {@code nextval} or {@code setval}. Declare
     * {@code idempotent(true)} for a write that is safe to repeat ({@code INSERT ... ON CONFLICT DO
     * NOTHING}, an {@code UPDATE} that sets absolute values), and {@code idempotent(false)} for a
     * query that calls a function with side effects.
     *
     * @param idempotent whether running the statement twice is harmless
     * @return a new statement
     */
    SqlStatement idempotent(boolean idempotent);

    /**
     * Maps each row with a function of the row alone.
     *
     * @param mapper called once per row, on the driver's thread; must not block; a {@code null}
     *               result is an error ({@link NullPointerException})
     * @param <T>    the mapped type
     * @return how to consume the mapped rows
     */
    <T> FetchSpec<T> map(Function<? super Readable, ? extends T> mapper);

    /**
     * Maps each row with a function of the row and its metadata.
     *
     * @param mapper called once per row; must not block
     * @param <T>    the mapped type
     * @return how to consume the mapped rows
     */
    <T> FetchSpec<T> map(BiFunction<? super Row, ? super RowMetadata, ? extends T> mapper);

    /**
     * Maps each row to a type: a Java {@code record} (each component from the column of the same
     * name, or its {@code snake_case} form, converted by the driver to the component's type), or
     * a single-column value type such as {@code String}, {@code Long} or {@code LocalDate}.
     *
     * @param type not {@code null}
     * @param <T>  the mapped type
     * @return how to consume the mapped rows; a row lacking a component's column signals
     *         {@link IllegalArgumentException} naming the component and the columns there are
     */
    <T> FetchSpec<T> mapTo(Class<T> type);

    /**
     * Rows as ordered maps of column name to value (the driver's default Java type per column;
     * SQL {@code NULL} as a {@code null} value).
     *
     * @return how to consume the rows
     */
    FetchSpec<Map<String, Object>> fetch();

    /**
     * Runs the statement for its update count.
     *
     * @return the number of rows inserted, updated or deleted (summed over the statement's
     *         results); {@code 0} for statements without a count (DDL); signals the driver's
     *         {@link io.r2dbc.spi.R2dbcException} types (message carrying the SQL) on failure
     */
    Mono<Long> rowsUpdated();
}

package dev.tributary.http.platform;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.RequestSpec;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * One SQL statement for the platform's HTTP query endpoint ({@code POST /query}), and how to read
 * its result. Nothing is sent until a returned {@code Flux}/{@code Mono} is subscribed to; each
 * subscription runs the statement once more. Immutable.
 * <p>
 * The answer is {@code {"query_string": ..., "metadata": {column: type, ...}, "data": [...]}}: rows
 * as JSON arrays ({@link #rows()}), or with {@code ?data_format=objects} as JSON objects
 * ({@link #objects()}). Rows are decoded as they arrive and handed downstream with backpressure:
 * the response is read only as fast as rows are requested, so a million-row result streams in
 * bounded memory; cancelling releases the connection. Values are Jackson's natural types:
 * {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean},
 * {@code null}, {@code List} (arrays) and {@code Map} (json columns); the service sends numerics
 * and timestamps as JSON numbers and strings.
 * <p>
 * The statement runs in a transaction of its own, and {@code POST} is not idempotent: the request
 * is not sent again after a transient failure (a 503, a reset) unless {@link #safeToRepeat()} says
 * repeating it is harmless (a read). A request that certainly never reached the service (a refused
 * connection) is always tried again.
 *
 * <pre>{@code
 * Flux<List<Object>> rows = platform.query("alice/demo", "SELECT name, population FROM cities")
 *         .safeToRepeat()
 *         .rows();
 * Flux<City> cities = platform.query("alice/demo", "SELECT name, population FROM cities")
 *         .objects(City.class);       // record City(String name, long population)
 * Mono<List<QueryColumn>> columns = platform.query("alice/demo", "SELECT * FROM cities LIMIT 0").columns();
 * }</pre>
 * Errors (as {@code onError}): {@link dev.tributary.http.HttpBadRequestException} for SQL the
 * database rejects (400, the service's message carries the SQLSTATE) and a malformed request
 * (422); {@link dev.tributary.http.HttpUnauthorizedException} (401);
 * {@link dev.tributary.http.HttpNotFoundException} for a database the caller cannot see;
 * {@link dev.tributary.http.HttpTransientException} for 429/502/503/504, resets and timeouts;
 * {@link dev.tributary.http.HttpResponseDecodingException} for a malformed answer, or rows that do
 * not decode as the requested type; {@link dev.tributary.http.auth.CredentialsUnavailableException}
 * when the API key cannot be found.
 */
public final class QuerySpec {

    private static final TypeReference<List<Object>> ARRAY_ROW = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT_ROW = new TypeReference<>() { };

    private final HttpServiceClient http;
    private final String database;
    private final String sql;
    private final boolean safeToRepeat;
    private final Duration responseTimeout;

    QuerySpec(HttpServiceClient http, String database, String sql, boolean safeToRepeat, Duration responseTimeout) {
        this.http = http;
        this.database = database;
        this.sql = sql;
        this.safeToRepeat = safeToRepeat;
        this.responseTimeout = responseTimeout;
    }

    /**
     * Declares that running the statement more than once is harmless (a {@code SELECT}), so that
     * it is sent again after a transient failure as long as no row has been emitted yet.
     *
     * @return a new spec marked safe to repeat
     */
    public QuerySpec safeToRepeat() {
        return new QuerySpec(this.http, this.database, this.sql, true, this.responseTimeout);
    }

    /**
     * @param timeout how long to wait for the answer's headers, which the service sends when the
     *                statement has produced its first rows (instead of the client's
     *                {@link PlatformClient.Builder#responseTimeout(Duration)}); positive. Rows after
     *                that are not timed: a slow subscriber holds them back on purpose
     * @return a new spec with that timeout
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public QuerySpec responseTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("responseTimeout must be positive, was " + timeout);
        }
        return new QuerySpec(this.http, this.database, this.sql, this.safeToRepeat, timeout);
    }

    /** @return the full name of the database the statement runs in, {@code <username>/<db_name>} */
    public String getDatabase() {
        return this.database;
    }

    /** @return the SQL statement */
    public String getSql() {
        return this.sql;
    }

    /**
     * The rows as lists of values in column order ({@code data} as arrays).
     *
     * @return the rows, streamed; empty for a statement that returns none; onError as listed on the class
     */
    public Flux<List<Object>> rows() {
        return request(false).streamArray("/data", ARRAY_ROW);
    }

    /**
     * The rows decoded by Jackson from their JSON arrays into {@code type}: a type that reads an
     * array, e.g. a record annotated {@code @JsonFormat(shape = JsonFormat.Shape.ARRAY)} (fields in
     * column order), {@code Object[]}, {@code String[]}.
     *
     * @param type the row type
     * @param <T>  the row type
     * @return the rows, streamed; onError as listed on the class
     */
    public <T> Flux<T> rows(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return request(false).streamArray("/data", type);
    }

    /**
     * The rows together with the columns: {@code handler} is given the columns (from the answer's
     * {@code metadata}) and the rows as lists of values, before the first row is decoded, and
     * returns what to emit. The rows' {@code Flux} may be subscribed to once; when what
     * {@code handler} returns completes without consuming it, the response is released.
     *
     * <pre>{@code
     * Flux<String> csvLines = spec.execute((columns, rows) -> Flux.concat(
     *         Mono.just(columns.stream().map(QueryColumn::name).collect(joining(","))),
     *         rows.map(values -> values.stream().map(String::valueOf).collect(joining(",")))));
     * }</pre>
     *
     * @param handler given the columns and the rows, returns what to emit
     * @param <R>     what is emitted
     * @return what {@code handler} returns; onError as listed on the class
     */
    public <R> Flux<R> execute(BiFunction<List<QueryColumn>, Flux<List<Object>>, ? extends Publisher<R>> handler) {
        Objects.requireNonNull(handler, "handler");
        return request(false).streamArray("/data", List.class,
                (head, rows) -> handler.apply(columns(head), rows.map(QuerySpec::castRow)));
    }

    /**
     * Runs the statement and reads only the columns of its result: the response is released after
     * the {@code metadata}, before any row is decoded. The statement does run (with its effects).
     *
     * @return the columns in order; an empty list for a statement that returns no rows; onError as
     * listed on the class
     */
    public Mono<List<QueryColumn>> columns() {
        return request(false).streamArray("/data", JsonNode.class,
                (head, rows) -> Mono.just(columns(head))).next();
    }

    /**
     * The rows as maps from column name to value, in column order ({@code ?data_format=objects}).
     * Two columns with the same name collapse into one key: alias them.
     *
     * @return the rows, streamed; onError as listed on the class
     */
    public Flux<Map<String, Object>> objects() {
        return request(true).streamArray("/data", OBJECT_ROW);
    }

    /**
     * The rows decoded by Jackson from JSON objects ({@code ?data_format=objects}) into {@code type},
     * by column name (the client's {@code ObjectMapper} ignores unknown properties; a record's
     * components, or {@code @JsonProperty} names, match the columns).
     *
     * @param type the row type
     * @param <T>  the row type
     * @return the rows, streamed; onError as listed on the class
     */
    public <T> Flux<T> objects(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return request(true).streamArray("/data", type);
    }

    @Override
    public String toString() {
        return "QuerySpec{database=" + this.database + ", sql=" + this.sql + (this.safeToRepeat ? ", safeToRepeat" : "") + '}';
    }

    private RequestSpec request(boolean objects) {
        RequestSpec spec = this.http.post("/query")
                .query("data_format", objects ? "objects" : null)
                .jsonBody(new QueryRequest(this.sql, this.database));
        if (this.responseTimeout != null) {
            spec = spec.responseTimeout(this.responseTimeout);
        }
        return this.safeToRepeat ? spec.safeToRepeat() : spec;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castRow(Object row) {
        return (List<Object>) row;
    }

    /** The columns of {@code {"metadata": {name: type, ...}}}, in order. */
    static List<QueryColumn> columns(JsonNode head) {
        JsonNode metadata = head.path("metadata");
        if (!metadata.isObject()) {
            return List.of();
        }
        List<QueryColumn> columns = new ArrayList<>(metadata.size());
        for (Map.Entry<String, JsonNode> field : metadata.properties()) {
            JsonNode type = field.getValue();
            columns.add(new QueryColumn(field.getKey(), type.isTextual() ? type.asText() : type.toString()));
        }
        return Collections.unmodifiableList(columns);
    }

    /** The body of {@code POST /query} (schema {@code QueryRequest}). */
    record QueryRequest(@com.fasterxml.jackson.annotation.JsonProperty("query_string") String queryString,
                        @com.fasterxml.jackson.annotation.JsonProperty("database_name") String databaseName) {
    }
}

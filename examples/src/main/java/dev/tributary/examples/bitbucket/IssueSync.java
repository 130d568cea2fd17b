package dev.tributary.examples.bitbucket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tributary.http.bitbucket.Issue;
import dev.tributary.http.bitbucket.table.BitbucketTables;
import dev.tributary.http.bitbucket.table.Column;
import dev.tributary.http.bitbucket.table.Table;
import dev.tributary.sql.SqlClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Streams Bitbucket issues into a PostgreSQL table, upserting by {@code id}: the reactive
 * pipeline of {@code tributary bitbucket sync-issues} and of the demo.
 * <p>
 * The table has the columns of {@link BitbucketTables#issues()} ({@code id integer PRIMARY KEY},
 * {@code title text}, ..., {@code created_on timestamptz}, ...) and is created if absent. Issues
 * are grouped into batches of {@link #batchSize(int)} ({@code buffer}); each batch is written by
 * one {@code INSERT ... SELECT ... FROM jsonb_to_recordset($1) ON CONFLICT (id) DO UPDATE} in a
 * transaction of its own, at most {@link #concurrency(int)} batches at a time. Backpressure holds
 * end to end: the issues are requested, and so the pages fetched, only as fast as batches are
 * committed; nothing collects the whole list. A batch that fails rolls back and fails the sync
 * (the batches committed before it stay: running the sync again completes it, as upserts are
 * idempotent).
 * <p>
 * One table holds the issues of one repository (issue ids are per repository).
 *
 * <pre>{@code
 * IssueSync sync = new IssueSync(db, "issues");
 * IssueSync.Result result = sync.sync(client.issues("acme", "app").prefetchOnePage().list()).block();
 * System.out.printf("%,d issues in %d ms%n", result.rows(), result.elapsed().toMillis());
 * }</pre>
 */
public final class IssueSync {

    /** Issues per batch (and per transaction) unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    /** Batches written at once unless told otherwise. */
    public static final int DEFAULT_CONCURRENCY = 2;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    static {
        // Jackson builds its serializers on first use under a lock: build them here, not on an event loop
        try {
            JSON.writeValueAsString(List.of(new java.util.LinkedHashMap<>(Map.of("id", 1, "t", "x", "b", true, "l", 1L,
                    "on", OffsetDateTime.parse("2025-01-01T00:00:00Z")))));
        } catch (JsonProcessingException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SqlClient db;
    private final String table;
    private final String quotedTable;
    private final Table<Issue> columns;
    private final int batchSize;
    private final int concurrency;

    /**
     * @param db    the database (PostgreSQL); not {@code null}
     * @param table the table's name, {@code name} or {@code schema.name}, each part an SQL identifier
     *              (letters, digits, {@code _}; kept in its case)
     * @throws IllegalArgumentException if the table name is not such a name
     */
    public IssueSync(SqlClient db, String table) {
        this(db, table, DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY);
    }

    private IssueSync(SqlClient db, String table, int batchSize, int concurrency) {
        this.db = Objects.requireNonNull(db, "db");
        this.table = Objects.requireNonNull(table, "table");
        this.quotedTable = quote(table);
        this.columns = BitbucketTables.issues();
        this.batchSize = batchSize;
        this.concurrency = concurrency;
    }

    /**
     * @param issues issues per batch and transaction, 1 to 5,000
     * @return a copy with that batch size
     * @throws IllegalArgumentException outside 1 to 5,000
     */
    public IssueSync batchSize(int issues) {
        if (issues < 1 || issues > 5_000) {
            throw new IllegalArgumentException("batch size must be 1 to 5000, was " + issues);
        }
        return new IssueSync(this.db, this.table, issues, this.concurrency);
    }

    /**
     * @param batches batches written at once, 1 to 16
     * @return a copy with that concurrency
     * @throws IllegalArgumentException outside 1 to 16
     */
    public IssueSync concurrency(int batches) {
        if (batches < 1 || batches > 16) {
            throw new IllegalArgumentException("concurrency must be 1 to 16, was " + batches);
        }
        return new IssueSync(this.db, this.table, this.batchSize, batches);
    }

    /** @return the {@code CREATE TABLE IF NOT EXISTS} statement of the table */
    public String createTableSql() {
        String body = this.columns.columns().stream()
                .map(c -> c.name() + " " + sqlType(c) + (c.name().equals(this.columns.key()) ? " PRIMARY KEY" : ""))
                .collect(Collectors.joining(", "));
        return "CREATE TABLE IF NOT EXISTS " + this.quotedTable + " (" + body + ")";
    }

    /** @return the upsert statement of one batch; {@code $1} is the batch as a JSON array of rows */
    public String upsertSql() {
        List<String> names = this.columns.columnNames();
        String list = String.join(", ", names);
        String record = this.columns.columns().stream().map(c -> c.name() + " " + sqlType(c)).collect(Collectors.joining(", "));
        String updates = names.stream().filter(n -> !n.equals(this.columns.key()))
                .map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", "));
        return "INSERT INTO " + this.quotedTable + " (" + list + ") SELECT " + list
                + " FROM jsonb_to_recordset($1::jsonb) AS r(" + record + ")"
                + " ON CONFLICT (" + this.columns.key() + ") DO UPDATE SET " + updates;
    }

    /**
     * Creates the table if absent, then upserts the issues batch by batch.
     *
     * @param issues the issues, for example {@code client.issues(w, r).list()}; subscribed to once,
     *               requested only as fast as batches are written
     * @return the rows written (inserted or updated), the batches and the time taken; onError the
     *         source's errors ({@link dev.tributary.http.HttpException} types) and the driver's
     *         ({@link io.r2dbc.spi.R2dbcException} types)
     */
    public Mono<Result> sync(Flux<Issue> issues) {
        Objects.requireNonNull(issues, "issues");
        String upsert = upsertSql();
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return this.db.sql(createTableSql()).rowsUpdated()
                    .thenMany(issues.buffer(this.batchSize)
                            .flatMap(batch -> write(upsert, batch), this.concurrency, 1))
                    .reduce(new long[2], (totals, rows) -> {
                        totals[0] += rows;
                        totals[1]++;
                        return totals;
                    })
                    .map(totals -> new Result(totals[0], totals[1], Duration.ofNanos(System.nanoTime() - start)));
        });
    }

    private Mono<Long> write(String upsert, List<Issue> batch) {
        String rows = json(batch);
        return this.db.inTransaction(session -> session.sql(upsert).bind(0, rows).rowsUpdated());
    }

    private String json(List<Issue> batch) {
        List<Map<String, Object>> rows = new ArrayList<>(batch.size());
        for (Issue issue : batch) {
            rows.add(this.columns.row(issue));
        }
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a batch of issues as JSON", e);
        }
    }

    private static String sqlType(Column<?> column) {
        Class<?> type = column.type();
        if (type == Integer.class) {
            return "integer";
        }
        if (type == Long.class) {
            return "bigint";
        }
        if (type == Boolean.class) {
            return "boolean";
        }
        if (type == OffsetDateTime.class) {
            return "timestamptz";
        }
        return "text";
    }

    private static String quote(String table) {
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("table name '" + table + "' must be name or schema.name");
        }
        List<String> quoted = new ArrayList<>();
        for (String part : parts) {
            if (!IDENTIFIER.matcher(part).matches()) {
                throw new IllegalArgumentException("table name '" + table + "': '" + part
                        + "' is not an SQL identifier (letters, digits and _, not starting with a digit, at most 63)");
            }
            quoted.add('"' + part + '"');
        }
        return String.join(".", quoted);
    }

    @Override
    public String toString() {
        return "IssueSync{" + this.table + ", batch " + this.batchSize + ", concurrency " + this.concurrency + '}';
    }

    /**
     * What a sync did.
     *
     * @param rows    rows inserted or updated
     * @param batches batches (transactions) committed
     * @param elapsed from the first request to the last commit
     */
    public record Result(long rows, long batches, Duration elapsed) {

        /** @return rows per second over {@link #elapsed()} */
        public double rowsPerSecond() {
            long nanos = Math.max(1, this.elapsed.toNanos());
            return this.rows * 1e9 / nanos;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d rows in %,d batches, %,d ms (%,.0f rows/s)", this.rows, this.batches,
                    this.elapsed.toMillis(), rowsPerSecond());
        }
    }
}

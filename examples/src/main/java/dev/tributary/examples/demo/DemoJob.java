package dev.tributary.examples.demo;

import dev.tributary.examples.bitbucket.IssueSyncDemo;
import dev.tributary.examples.output.TextTable;
import dev.tributary.sql.PoolMetrics;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.LoadResult;

import reactor.core.publisher.Flux;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo main job: reloads the {@link DemoDataSet real data sets} (dropping their tables
 * first, so it can run again on the same database), checks their row counts, and asks five
 * questions of them, then syncs {@value IssueSyncDemo#ISSUES} issues from a Bitbucket emulator into
 * the table {@value IssueSyncDemo#TABLE} ({@link IssueSyncDemo}) and, when a ClickHouse is given, loads
 * the GeoNames cities into it and into the database and compares one aggregate on both
 * ({@link CitiesComparison}). Every answer is streamed from the database as a {@code Flux} of rows and
 * printed as an aligned table, with the time each step took.
 * <p>
 * {@link #run()} blocks the calling thread until the job is done: call it from a main thread,
 * never from an event loop.
 *
 * <pre>{@code
 * try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
 *     SqlClient db = Tributary.sql(pg.r2dbcUrl("postgres")).build();
 *     try {
 *         new DemoJob(db, new PrintWriter(System.out, true)).run();
 *     } finally {
 *         db.close().block();
 *     }
 * }
 * }</pre>
 */
public final class DemoJob {

    /** Rows shown per answer. */
    public static final int MAX_ROWS = 10;

    private static final int MAX_COLUMN_WIDTH = 48;

    /** The row counts of the four tables, in {@link DemoDataSet} order. */
    static final DemoQuestion ROW_COUNTS = new DemoQuestion("1. Row counts of the loaded tables",
            "SELECT 'airports' AS table_name, count(*) AS rows FROM airports"
                    + " UNION ALL SELECT 'countries', count(*) FROM countries"
                    + " UNION ALL SELECT 'regions', count(*) FROM regions"
                    + " UNION ALL SELECT 'world_countries', count(*) FROM world_countries");

    static final List<DemoQuestion> QUESTIONS = List.of(
            new DemoQuestion("2. The 10 highest airports",
                    "SELECT name, iso_country AS country, municipality, elevation_ft"
                            + " FROM airports WHERE elevation_ft IS NOT NULL"
                            + " ORDER BY elevation_ft DESC, name LIMIT 10"),
            new DemoQuestion("3. Large airports per continent",
                    "SELECT a.continent, c.name AS continent_name, count(*) AS large_airports"
                            + " FROM airports a"
                            + " JOIN (VALUES ('AF', 'Africa'), ('AN', 'Antarctica'), ('AS', 'Asia'), ('EU', 'Europe'),"
                            + " ('NA', 'North America'), ('OC', 'Oceania'), ('SA', 'South America')) AS c (code, name)"
                            + " ON c.code = a.continent"
                            + " WHERE a.type = 'large_airport'"
                            + " GROUP BY a.continent, c.name ORDER BY large_airports DESC, a.continent"),
            new DemoQuestion("4. The 10 countries with the most large airports, named in Japanese and Arabic",
                    "SELECT w.\"name.common\" AS country, w.\"translations.jpn.common\" AS japanese,"
                            + " w.\"translations.ara.common\" AS arabic, count(*) AS large_airports"
                            + " FROM airports a JOIN world_countries w ON w.cca2 = a.iso_country"
                            + " WHERE a.type = 'large_airport'"
                            + " GROUP BY w.\"name.common\", w.\"translations.jpn.common\", w.\"translations.ara.common\""
                            + " ORDER BY large_airports DESC, country LIMIT 10"),
            new DemoQuestion("5. Airports per country (airports x countries), top 10",
                    "SELECT c.name AS country, c.code, c.continent, count(*) AS airports,"
                            + " count(*) FILTER (WHERE a.type = 'large_airport') AS large,"
                            + " max(a.elevation_ft) AS highest_ft"
                            + " FROM airports a JOIN countries c ON c.code = a.iso_country"
                            + " GROUP BY c.name, c.code, c.continent ORDER BY airports DESC, country LIMIT 10"));

    private final SqlClient db;
    private final PrintWriter out;
    private final Runnable restartDatabase;
    private final SqlClient clickhouse;

    /**
     * @param db  the database to load the data sets into (its tables {@code airports},
     *            {@code countries}, {@code regions} and {@code world_countries} are dropped and
     *            reloaded); not {@code null}
     * @param out where the job prints its report; not {@code null}
     */
    public DemoJob(SqlClient db, PrintWriter out) {
        this(db, out, null);
    }

    /**
     * @param db              the database, as above
     * @param out             where the job prints its report
     * @param restartDatabase restarts the database (blocking); when given, a last step restarts it
     *                        while a stream is being read and shows the stream complete; may be
     *                        {@code null}
     */
    public DemoJob(SqlClient db, PrintWriter out, Runnable restartDatabase) {
        this(db, out, restartDatabase, null);
    }

    /**
     * @param db              the database, as above
     * @param out             where the job prints its report
     * @param restartDatabase restarts the database, as above; may be {@code null}
     * @param clickhouse      a ClickHouse (or ByteHouse); when given, a step loads the
     *                        {@value CitiesComparison#ROWS} GeoNames cities into its table
     *                        {@value CitiesComparison#TABLE} and into {@code db}'s (both dropped and
     *                        reloaded) and runs one aggregate on both ({@link CitiesComparison}); may be
     *                        {@code null}
     */
    public DemoJob(SqlClient db, PrintWriter out, Runnable restartDatabase, SqlClient clickhouse) {
        this.db = Objects.requireNonNull(db, "db");
        this.out = Objects.requireNonNull(out, "out");
        this.restartDatabase = restartDatabase;
        this.clickhouse = clickhouse;
    }

    /**
     * Runs the job, blocking the calling thread.
     *
     * @throws IllegalStateException if a table does not hold the rows its file has, or ClickHouse and
     *                               PostgreSQL disagree on the cities' aggregate
     * @throws RuntimeException      the loader's and the driver's errors
     *                               ({@link io.r2dbc.spi.R2dbcException} types,
     *                               {@link dev.tributary.sql.load.LoadException})
     */
    public void run() {
        long start = System.nanoTime();
        Duration loading = load();
        Duration asking = checkRowCounts();
        for (DemoQuestion question : QUESTIONS) {
            asking = asking.plus(ask(question).elapsed());
        }
        heading("Bitbucket: " + String.format(Locale.ROOT, "%,d", IssueSyncDemo.ISSUES)
                + " issues streamed from an emulator into PostgreSQL (table " + IssueSyncDemo.TABLE + " re-synced)");
        Duration syncing = new IssueSyncDemo(this.db, this.out).run();
        Duration comparing = null;
        if (this.clickhouse != null) {
            heading("ClickHouse: " + String.format(Locale.ROOT, "%,d", CitiesComparison.ROWS)
                    + " GeoNames cities loaded into ClickHouse and PostgreSQL, one aggregate on both");
            comparing = new CitiesComparison(this.db, this.clickhouse, this.out).run();
        }
        if (this.restartDatabase != null) {
            surviveARestart();
        }
        this.out.println();
        this.out.printf(Locale.ROOT, "Demo done in %s (loading %s, questions %s, Bitbucket sync %s%s).%n",
                millis(since(start)), millis(loading), millis(asking), millis(syncing),
                comparing == null ? "" : ", cities on ClickHouse and PostgreSQL " + millis(comparing));
        this.out.flush();
    }

    private Duration load() {
        heading("Load the data sets (tables dropped and reloaded)");
        long start = System.nanoTime();
        TextTable table = TextTable.withColumns(List.of("table", "rows", "columns", "created", "source", "ms"));
        long rows = 0;
        try (Stream<LoadResult> results = DemoDataSet.reloadAll(this.db).toStream(1)) {
            Iterator<LoadResult> it = results.iterator();
            for (DemoDataSet dataSet : DemoDataSet.values()) {
                LoadResult result = it.next();
                rows += result.rows();
                table.addRow(List.of(result.table(), result.rows(), result.columns().size(),
                        result.tableCreated() ? "yes" : "no", dataSet.fileName(), result.elapsed().toMillis()));
            }
        }
        Duration elapsed = since(start);
        table.render(this.out);
        this.out.printf(Locale.ROOT, "%,d rows in %d tables, %s%n", rows, DemoDataSet.values().length, millis(elapsed));
        return elapsed;
    }

    private Duration checkRowCounts() {
        Answer answer = ask(ROW_COUNTS);
        DemoDataSet[] dataSets = DemoDataSet.values();
        for (int i = 0; i < dataSets.length; i++) {
            Map<String, Object> row = answer.rows().get(i);
            long rows = ((Number) row.get("rows")).longValue();
            if (!dataSets[i].table().equals(row.get("table_name")) || rows != dataSets[i].publishedRows()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "Table %s holds %,d rows, but %s has %,d",
                        row.get("table_name"), rows, dataSets[i].fileName(), dataSets[i].publishedRows()));
            }
        }
        return answer.elapsed();
    }

    /** Streams the answer's rows into a table as they arrive, prints it and the time taken. */
    private Answer ask(DemoQuestion question) {
        heading(question.title());
        long start = System.nanoTime();
        TextTable table = null;
        List<Map<String, Object>> kept = new ArrayList<>();
        try (Stream<Map<String, Object>> rows = this.db.sql(question.sql()).fetch().all().toStream(MAX_ROWS)) {
            Iterator<Map<String, Object>> it = rows.iterator();
            while (it.hasNext()) {
                Map<String, Object> row = it.next();
                if (table == null) {
                    table = TextTable.withColumns(new ArrayList<>(row.keySet()), MAX_ROWS, MAX_COLUMN_WIDTH);
                }
                table.addRow(new ArrayList<>(row.values()));
                if (kept.size() < MAX_ROWS) {
                    kept.add(row);
                }
            }
        }
        Duration elapsed = since(start);
        if (table == null) {
            this.out.println("(0 rows)");
        } else {
            table.render(this.out);
        }
        this.out.println(millis(elapsed));
        return new Answer(kept, elapsed);
    }

    /**
     * Streams one small query per country (248 reads) while another thread restarts the database,
     * then shows that the stream completed with every country counted and what the pool did.
     */
    private void surviveARestart() {
        heading("6. The database restarts while a stream of 248 queries is read");
        long start = System.nanoTime();
        PoolMetrics before = this.db.metrics();
        CompletableFuture<Duration> restart = CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            this.restartDatabase.run();
            return since(t);
        }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        long countries = 0;
        long airports = 0;
        try (Stream<Long> counts = this.db.sql("SELECT code FROM countries ORDER BY code").mapTo(String.class).all()
                .collectList()
                .flatMapMany(codes -> Flux.fromIterable(codes).concatMap(code -> this.db
                        .sql("SELECT count(*) FROM airports WHERE iso_country = $1").bind(0, code).mapTo(Long.class).one()
                        .delayElement(Duration.ofMillis(4))))
                .toStream(1)) {
            for (Iterator<Long> it = counts.iterator(); it.hasNext(); ) {
                airports += it.next();
                countries++;
            }
        }
        Duration restarted = restart.join();
        PoolMetrics after = this.db.metrics();
        TextTable table = TextTable.withColumns(List.of("figure", "value"));
        table.addRow(List.of("countries streamed", countries));
        table.addRow(List.of("airports counted", airports));
        table.addRow(List.of("restart took (ms)", restarted.toMillis()));
        table.addRow(List.of("connections opened", after.connectionsOpened() - before.connectionsOpened()));
        table.addRow(List.of("connect retries", after.connectRetries() - before.connectRetries()));
        table.addRow(List.of("dead pooled connections replaced", after.staleConnectionsReplaced() - before.staleConnectionsReplaced()));
        table.addRow(List.of("queries run again", after.statementReruns() - before.statementReruns()));
        table.render(this.out);
        this.out.println(millis(since(start)));
    }

    private void heading(String title) {
        this.out.println();
        this.out.println("== " + title + " ==");
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%,d ms", duration.toMillis());
    }

    @Override
    public String toString() {
        return "DemoJob{" + this.db + '}';
    }
}

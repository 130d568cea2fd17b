package dev.tributary.examples.demo;

import dev.tributary.examples.output.TextTable;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The demo's ClickHouse step: loads the {@value #ROWS} GeoNames cities ({@code /data/geonames-cities.csv},
 * CC BY 4.0, "Data from GeoNames (geonames.org)"; see {@code /data/NOTICE.md}) into the table
 * {@value #TABLE} of ClickHouse (one streamed {@code INSERT}) and of PostgreSQL ({@code COPY}),
 * dropping the table first in each, then runs {@link #AGGREGATE one aggregate} on both and prints
 * the two answers side by side with both timings. The answers must agree: the same row count,
 * countries, city and region counts, and average latitudes equal to {@value #LATITUDE_TOLERANCE}
 * degrees (the two databases sum doubles in different orders).
 * <p>
 * {@link #run()} blocks the calling thread: call it from a main thread, never from an event loop.
 *
 * <pre>{@code
 * Duration took = new CitiesComparison(postgres, clickhouse, out).run();   // on a main thread
 * }</pre>
 */
public final class CitiesComparison {

    /** The table the cities are loaded into, in both databases. */
    public static final String TABLE = "cities";

    /** The file, under {@code /data/} on the class path. */
    public static final String FILE_NAME = "geonames-cities.csv";

    /** The cities in the file. */
    public static final long ROWS = 171_075;

    /** The aggregate run on both databases: the same SQL text, valid in PostgreSQL and ClickHouse. */
    public static final String AGGREGATE = "SELECT country, count(*) AS cities, count(DISTINCT admin1) AS regions,"
            + " avg(lat) AS avg_lat, max(lat) AS max_lat"
            + " FROM " + TABLE + " GROUP BY country ORDER BY cities DESC, country LIMIT 10";

    /** How far the two databases' average latitudes may differ, in degrees. */
    static final double LATITUDE_TOLERANCE = 1e-9;

    private final SqlClient postgres;
    private final SqlClient clickhouse;
    private final PrintWriter out;

    /**
     * @param postgres   the demo's PostgreSQL (its table {@value #TABLE} is dropped and reloaded); not {@code null}
     * @param clickhouse a ClickHouse (its table {@value #TABLE} is dropped and reloaded); not {@code null}
     * @param out        where the step prints its report; not {@code null}
     */
    public CitiesComparison(SqlClient postgres, SqlClient clickhouse, PrintWriter out) {
        this.postgres = Objects.requireNonNull(postgres, "postgres");
        this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Runs the step, blocking the calling thread.
     *
     * @return how long it took
     * @throws IllegalStateException if a database does not hold {@value #ROWS} cities after the load,
     *                               or the two answers differ (the message names the first difference)
     * @throws RuntimeException      the loader's and the drivers' errors
     */
    public Duration run() {
        long start = System.nanoTime();
        LoadResult intoClickHouse = this.clickhouse.sql("DROP TABLE IF EXISTS " + TABLE).rowsUpdated()
                .then(this.clickhouse.load(loadRequest()))
                .block();
        LoadResult intoPostgres = this.postgres.inTransaction(tx -> tx.sql("DROP TABLE IF EXISTS " + TABLE).rowsUpdated()
                        .then(tx.load(loadRequest())))
                .block();
        long inClickHouse = count(this.clickhouse);
        long inPostgres = count(this.postgres);
        TextTable loads = TextTable.withColumns(List.of("database", "table", "rows", "counted", "columns", "ms", "rows/s"));
        loads.addRow(loadRow("ClickHouse", intoClickHouse, inClickHouse));
        loads.addRow(loadRow("PostgreSQL", intoPostgres, inPostgres));
        loads.render(this.out);
        checkLoaded("ClickHouse", intoClickHouse.rows(), inClickHouse);
        checkLoaded("PostgreSQL", intoPostgres.rows(), inPostgres);

        this.out.println();
        this.out.println("Cities per country, top 10, asked of both: " + AGGREGATE);
        Answer fromClickHouse = ask(this.clickhouse);
        Answer fromPostgres = ask(this.postgres);
        TextTable answers = TextTable.withColumns(List.of("country", "cities ch", "cities pg", "regions ch", "regions pg",
                "avg_lat ch", "avg_lat pg", "max_lat ch", "max_lat pg"));
        int rows = Math.max(fromClickHouse.rows().size(), fromPostgres.rows().size());
        for (int i = 0; i < rows; i++) {
            Map<String, Object> ch = i < fromClickHouse.rows().size() ? fromClickHouse.rows().get(i) : Map.of();
            Map<String, Object> pg = i < fromPostgres.rows().size() ? fromPostgres.rows().get(i) : Map.of();
            Object country = ch.get("country") != null ? ch.get("country") : pg.get("country");
            answers.addRow(Arrays.asList(country, ch.get("cities"), pg.get("cities"),
                    ch.get("regions"), pg.get("regions"), degrees(ch.get("avg_lat")), degrees(pg.get("avg_lat")),
                    degrees(ch.get("max_lat")), degrees(pg.get("max_lat"))));
        }
        answers.render(this.out);
        this.out.printf(Locale.ROOT, "ClickHouse answered in %,d ms, PostgreSQL in %,d ms%n",
                fromClickHouse.elapsed().toMillis(), fromPostgres.elapsed().toMillis());
        String difference = firstDifference(fromClickHouse.rows(), fromPostgres.rows());
        if (difference != null) {
            throw new IllegalStateException("ClickHouse and PostgreSQL disagree on the cities per country: " + difference);
        }
        this.out.printf(Locale.ROOT, "The answers agree (%d rows).%n", fromClickHouse.rows().size());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        this.out.println(DemoJob.millis(elapsed));
        return elapsed;
    }

    /** @return a request that loads the cities from the class path into {@value #TABLE}, creating it */
    public static LoadRequest loadRequest() {
        String resource = "/data/" + FILE_NAME;
        return LoadRequest.into(TABLE)
                .source(LoadSource.of(FILE_NAME, () -> open(resource)))
                .format(DataFormat.CSV)
                .header(HeaderMode.FIRST_ROW)
                .build();
    }

    /**
     * @return {@code null} when the answers agree, else the first difference in words
     */
    static String firstDifference(List<Map<String, Object>> clickhouse, List<Map<String, Object>> postgres) {
        if (clickhouse.size() != postgres.size()) {
            return "ClickHouse answered " + clickhouse.size() + " rows, PostgreSQL " + postgres.size();
        }
        for (int i = 0; i < clickhouse.size(); i++) {
            Map<String, Object> ch = clickhouse.get(i);
            Map<String, Object> pg = postgres.get(i);
            String where = "row " + (i + 1) + " (" + ch.get("country") + " / " + pg.get("country") + ")";
            if (!Objects.equals(ch.get("country"), pg.get("country"))) {
                return where + ": country " + ch.get("country") + " in ClickHouse, " + pg.get("country") + " in PostgreSQL";
            }
            for (String count : List.of("cities", "regions")) {
                long a = ((Number) ch.get(count)).longValue();
                long b = ((Number) pg.get(count)).longValue();
                if (a != b) {
                    return String.format(Locale.ROOT, "%s: %s %,d in ClickHouse, %,d in PostgreSQL", where, count, a, b);
                }
            }
            for (String latitude : List.of("avg_lat", "max_lat")) {
                double a = ((Number) ch.get(latitude)).doubleValue();
                double b = ((Number) pg.get(latitude)).doubleValue();
                if (!(Math.abs(a - b) <= LATITUDE_TOLERANCE)) {
                    return where + ": " + latitude + " " + a + " in ClickHouse, " + b + " in PostgreSQL";
                }
            }
        }
        return null;
    }

    private static List<Object> loadRow(String database, LoadResult result, long counted) {
        long millis = Math.max(1, result.elapsed().toMillis());
        return List.of(database, result.table(), result.rows(), counted, result.columns().size(), result.elapsed().toMillis(),
                result.rows() * 1000 / millis);
    }

    private static void checkLoaded(String database, long loaded, long counted) {
        if (loaded != ROWS || counted != ROWS) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s loaded %,d cities and counts %,d, but %s has %,d",
                    database, loaded, counted, FILE_NAME, ROWS));
        }
    }

    private static long count(SqlClient db) {
        // count(*) is a bigint (Long) in PostgreSQL, a UInt64 (BigInteger) in ClickHouse
        Long rows = db.sql("SELECT count(*) FROM " + TABLE).map((row, metadata) -> ((Number) row.get(0)).longValue()).one().block();
        return rows == null ? -1 : rows;
    }

    private static Answer ask(SqlClient db) {
        long start = System.nanoTime();
        List<Map<String, Object>> rows = db.sql(AGGREGATE).fetch().all().collectList().block();
        return new Answer(rows == null ? List.of() : rows, Duration.ofNanos(System.nanoTime() - start));
    }

    /** @return the latitude to 4 decimals (about 11 m), for display */
    private static BigDecimal degrees(Object value) {
        return value == null ? null : BigDecimal.valueOf(((Number) value).doubleValue()).setScale(4, RoundingMode.HALF_EVEN);
    }

    private static InputStream open(String resource) {
        InputStream in = CitiesComparison.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("The demo data set " + resource + " is not on the class path");
        }
        return in;
    }

    @Override
    public String toString() {
        return "CitiesComparison{" + this.postgres + ", " + this.clickhouse + '}';
    }
}

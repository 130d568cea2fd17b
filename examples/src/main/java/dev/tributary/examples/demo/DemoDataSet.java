package dev.tributary.examples.demo;

import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.InputStream;
import java.util.Arrays;

/**
 * The real data sets the demo loads, shipped in the examples jar under {@code /data/} (their
 * sources and licences are in {@code /data/NOTICE.md}): OurAirports' airports, countries and
 * regions (JSON arrays whose values are all strings) and the world-countries table (CSV with a
 * header row, names in 25 scripts).
 *
 * <pre>{@code
 * List<LoadResult> loaded = DemoDataSet.reloadAll(db).collectList().block();   // on a main thread
 * }</pre>
 */
public enum DemoDataSet {

    /** OurAirports' medium and large airports: 5,210 rows. */
    AIRPORTS("airports", "ourairports-airports.json", DataFormat.JSON, HeaderMode.AUTO, 5_210),

    /** OurAirports' countries: 248 rows. */
    COUNTRIES("countries", "ourairports-countries.json", DataFormat.JSON, HeaderMode.AUTO, 248),

    /** OurAirports' ISO 3166-2 regions: 3,901 rows. */
    REGIONS("regions", "ourairports-regions.json", DataFormat.JSON, HeaderMode.AUTO, 3_901),

    /** mledoze/countries (npm {@code world-countries}): 250 rows, 74 columns. */
    WORLD_COUNTRIES("world_countries", "world-countries.csv", DataFormat.CSV, HeaderMode.FIRST_ROW, 250);

    private final String table;
    private final String fileName;
    private final DataFormat format;
    private final HeaderMode header;
    private final long publishedRows;

    DemoDataSet(String table, String fileName, DataFormat format, HeaderMode header, long publishedRows) {
        this.table = table;
        this.fileName = fileName;
        this.format = format;
        this.header = header;
        this.publishedRows = publishedRows;
    }

    /** @return the table the data set is loaded into */
    public String table() {
        return this.table;
    }

    /** @return the file's name, as published */
    public String fileName() {
        return this.fileName;
    }

    /** @return the class path resource of the file ({@code /data/...}) */
    public String resource() {
        return "/data/" + this.fileName;
    }

    /** @return the number of records the published file holds */
    public long publishedRows() {
        return this.publishedRows;
    }

    /**
     * @return a request that loads the file from the class path into {@link #table()}, creating
     *         the table with the column types the loader infers
     */
    public LoadRequest loadRequest() {
        String resource = resource();
        return LoadRequest.into(this.table)
                .source(LoadSource.of(this.fileName, () -> open(resource)))
                .format(this.format)
                .header(this.header)
                .build();
    }

    /**
     * Drops the table and loads the file again, in one transaction: a failed load leaves the
     * previous table in place.
     *
     * @param db the database; not {@code null}
     * @return the load's outcome; signals the loader's and the driver's errors
     */
    public Mono<LoadResult> reload(SqlClient db) {
        return db.inTransaction(tx -> tx.sql("DROP TABLE IF EXISTS " + this.table).rowsUpdated()
                .then(tx.load(loadRequest())));
    }

    /**
     * {@link #reload(SqlClient) Reloads} every data set, one after the other.
     *
     * @param db the database; not {@code null}
     * @return one outcome per data set, in declaration order
     */
    public static Flux<LoadResult> reloadAll(SqlClient db) {
        return Flux.fromIterable(Arrays.asList(values())).concatMap(dataSet -> dataSet.reload(db));
    }

    private static InputStream open(String resource) {
        InputStream in = DemoDataSet.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("The demo data set " + resource + " is not on the class path");
        }
        return in;
    }
}

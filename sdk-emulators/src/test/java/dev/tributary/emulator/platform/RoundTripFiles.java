package dev.tributary.emulator.platform;

import dev.tributary.Tributary;
import dev.tributary.emulator.platform.ExportWriter.ExportColumn;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.tributary.emulator.platform.FormatTestFiles.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real PostgreSQL (embedded) with the SDK's {@link SqlClient} on it, and the steps of a round
 * trip: load a data set with the SDK's loader, export a query through an {@link ExportWriter},
 * convert the file back through an {@link ImportConverter}, load the CSV again, compare the tables
 * in SQL.
 */
final class RoundTripFiles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoundTripFiles.class);

    final EmbeddedPostgresServer pg;
    final SqlClient db;

    private RoundTripFiles(EmbeddedPostgresServer pg, SqlClient db) {
        this.pg = pg;
        this.db = db;
    }

    /** @return a started server with a client (pool of 4) on its {@code postgres} database */
    static RoundTripFiles start() {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start();
        try {
            pg.execute("ALTER DATABASE postgres SET TimeZone TO 'UTC'");
            return new RoundTripFiles(pg, Tributary.sql(pg.r2dbcUrl("postgres")).pool(PoolSettings.builder().maxSize(4).build()).build());
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** A result row with its columns as the driver describes them. */
    record ResultRow(List<ExportColumn> columns, Object[] values) {
    }

    /** A measured step. */
    record Timed<T>(T value, Duration elapsed) {
    }

    /**
     * @param table a new table
     * @param file  a CSV or JSON file (format from its extension)
     * @return the load's result (the table created with types inferred from every row)
     */
    LoadResult loadFile(String table, Path file) {
        return this.db.load(LoadRequest.into(table).source(LoadSource.of(file)).build()).block(TIMEOUT);
    }

    /**
     * Exports a query's rows through a writer: the columns come from the first row's metadata (the
     * PostgreSQL type names r2dbc-postgresql reports), the rows stream with backpressure.
     *
     * @return the rows written and the time taken
     */
    Timed<Long> export(ExportWriter writer, String sql, Path target) {
        long start = System.nanoTime();
        Long rows = this.db.sql(sql)
                .map((Row row, RowMetadata metadata) -> resultRow(row, metadata))
                .all()
                .switchOnFirst((first, all) -> first.hasValue()
                        ? writer.write(first.get().columns(), all.map(ResultRow::values), target).flux()
                        : Flux.just(0L))
                .single()
                .block(TIMEOUT);
        return new Timed<>(rows, Duration.ofNanos(System.nanoTime() - start));
    }

    private static ResultRow resultRow(Row row, RowMetadata metadata) {
        List<? extends io.r2dbc.spi.ColumnMetadata> described = metadata.getColumnMetadatas();
        List<ExportColumn> columns = new ArrayList<>(described.size());
        Object[] values = new Object[described.size()];
        for (int i = 0; i < values.length; i++) {
            columns.add(new ExportColumn(described.get(i).getName(), described.get(i).getType().getName()));
            values[i] = row.get(i);
        }
        return new ResultRow(columns, values);
    }

    /**
     * Converts a file to CSV and writes the CSV to a file (the loader then reads it twice: types
     * from every row, as it did for the original).
     *
     * @return the time taken
     */
    static Timed<Path> convertToFile(ImportConverter converter, Path file, Path csv) {
        long start = System.nanoTime();
        Flux.using(
                        () -> FileChannel.open(csv, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                        channel -> converter.toCsv(file).publishOn(Schedulers.boundedElastic()).doOnNext(chunk -> write(channel, chunk)),
                        channel -> {
                            try {
                                channel.close();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                .then()
                .block(TIMEOUT);
        return new Timed<>(csv, Duration.ofNanos(System.nanoTime() - start));
    }

    private static void write(FileChannel channel, ByteBuffer chunk) {
        try {
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a converter's CSV straight from its chunks (no file in between) into a new table with
     * the columns of {@code like}, so the values are parsed as the original's types.
     *
     * @return the load's result and the time taken (conversion included)
     */
    Timed<LoadResult> convertAndLoadLike(ImportConverter converter, Path file, String table, String like) {
        this.pg.execute("CREATE TABLE " + table + " (LIKE " + like + ")");
        long start = System.nanoTime();
        LoadResult result = this.db.load(LoadRequest.into(table)
                        .source(LoadSource.of(file.getFileName().toString(), converter.toCsv(file)))
                        .format(DataFormat.CSV)
                        .header(HeaderMode.FIRST_ROW)
                        .createTable(false)
                        .build())
                .block(TIMEOUT);
        return new Timed<>(result, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * @param csv a CSV file with a header
     * @return the load's result into a new table, the types inferred from every row
     */
    Timed<LoadResult> loadCsvFile(String table, Path csv) {
        long start = System.nanoTime();
        LoadResult result = this.db.load(LoadRequest.into(table).source(LoadSource.of(csv)).format(DataFormat.CSV)
                .header(HeaderMode.FIRST_ROW).build()).block(TIMEOUT);
        return new Timed<>(result, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Asserts that two tables have the same columns (names, types, order) and the same rows,
     * duplicates counted: {@code EXCEPT ALL} both ways is empty and the counts are equal.
     */
    void assertSameRows(String expected, String actual, long rows) {
        assertThat(columns(actual)).as("the columns of " + actual).isEqualTo(columns(expected));
        assertThat(this.pg.queryForLong("SELECT count(*) FROM " + expected)).as("rows of " + expected).isEqualTo(rows);
        assertThat(this.pg.queryForLong("SELECT count(*) FROM " + actual)).as("rows of " + actual).isEqualTo(rows);
        assertThat(this.pg.queryForLong("SELECT count(*) FROM (TABLE " + expected + " EXCEPT ALL TABLE " + actual + ") missing"))
                .as("rows of " + expected + " missing from " + actual).isZero();
        assertThat(this.pg.queryForLong("SELECT count(*) FROM (TABLE " + actual + " EXCEPT ALL TABLE " + expected + ") extra"))
                .as("rows of " + actual + " not in " + expected).isZero();
    }

    /** @return the table's columns as {@code name type}, in order */
    List<String> columns(String table) {
        return strings("SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '"
                + table.toLowerCase(Locale.ROOT) + "' ORDER BY ordinal_position");
    }

    /** @return the first column of every row of a query (JDBC, on the calling thread) */
    List<String> strings(String sql) {
        try (Connection c = this.pg.superuserDataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Logs a figure for the report. */
    static void report(String what, Object... figures) {
        LOG.info("{}: {}", what, List.of(figures));
    }

    @Override
    public void close() {
        try {
            this.db.close().block(Duration.ofSeconds(10));
        } finally {
            this.pg.close();
        }
    }
}

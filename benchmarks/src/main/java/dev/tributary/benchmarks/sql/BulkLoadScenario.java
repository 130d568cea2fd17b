package dev.tributary.benchmarks.sql;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.tributary.benchmarks.RunSettings;
import dev.tributary.benchmarks.report.MarkdownTable;
import dev.tributary.benchmarks.report.Report;
import dev.tributary.benchmarks.report.Rounds;
import dev.tributary.sql.PoolSettings;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.Wrapped;
import org.postgresql.PGConnection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static dev.tributary.benchmarks.report.MarkdownTable.figure;
import static dev.tributary.benchmarks.report.MarkdownTable.noise;
import static dev.tributary.benchmarks.report.MarkdownTable.ratio;

/**
 * Scenario 3: loading geonames-cities.csv into the existing table {@code cities_load}, emptied
 * before every run; each run reads the file itself and the row count is checked afterwards.
 */
public final class BulkLoadScenario {

    private static final String COPY = "COPY cities_load (name, lat, lng, country, admin1, admin2) FROM STDIN (FORMAT csv, HEADER true)";
    private static final String INSERT = "INSERT INTO cities_load (name, lat, lng, country, admin1, admin2) VALUES ($1, $2, $3, $4, $5, $6)";
    private static final int BATCH = 1_000;
    private static final String BASELINE = "r2dbc-postgresql copyIn (raw driver)";
    private static final String INSERTS = "r2dbc-pool batched INSERTs";

    private final BenchDatabase db;
    private final RunSettings settings;
    private final Path csv;

    /**
     * @param db       the database
     * @param settings rounds and pool size
     * @param csv      geonames-cities.csv
     */
    public BulkLoadScenario(BenchDatabase db, RunSettings settings, Path csv) {
        this.db = db;
        this.settings = settings;
        this.csv = csv;
    }

    private record Loader(String name, LongSupplier load) {
    }

    /**
     * Runs the loaders and adds the table.
     *
     * @param report where the table goes
     */
    public void run(Report report) {
        long expected = countRecords();
        report.add("## 3. Bulk load of geonames-cities.csv\n\n"
                + String.format("%,d", expected) + " rows (" + figure(size() / 1e6) + " MB, CSV with a header) into an existing table of six "
                + "columns (text, double precision x2, text x3), emptied before each run; each run reads the file and the table is counted "
                + "afterwards. Tributary: `SqlClient.load(LoadRequest)` (parses and checks the CSV, then COPY). Raw driver: r2dbc-postgresql's "
                + "`copyIn` with the file's bytes. INSERTs: one prepared INSERT with " + BATCH + " bindings per `Statement.add()` batch "
                + "(Jackson CSV parsing), one transaction. One warm-up run each (not the INSERTs: seconds per run), then "
                + this.settings.rounds() + " rounds.");
        TributaryContender tributary = new TributaryContender("Tributary load", this.db.r2dbcUrl(), PoolSettings.defaults(),
                this.settings.poolSize());
        ConnectionPool pool = R2dbcPoolContender.pool(this.db.r2dbcUrl(), this.settings.poolSize());
        List<Loader> loaders = new ArrayList<>();
        loaders.add(new Loader("Tributary `load` (COPY)", () -> tributary.client()
                .load(LoadRequest.into("cities_load").source(LoadSource.of(this.csv)).createTable(false).build())
                .block(Duration.ofMinutes(5)).rows()));
        loaders.add(new Loader(BASELINE, () -> copyIn(pool)));
        loaders.add(new Loader(INSERTS, () -> inserts(pool)));
        loaders.add(new Loader("pgjdbc CopyManager", this::copyManager));
        Optional<Path> psql = BenchDatabase.clientProgram("psql");
        psql.ifPresent(p -> loaders.add(new Loader("psql \\copy (the limit)", () -> psqlCopy(p))));
        try {
            Map<String, List<Double>> seconds = new LinkedHashMap<>();
            for (Loader loader : loaders) {
                // the INSERTs take seconds per run, long enough to warm up within their rounds
                if (!loader.name().equals(INSERTS)) {
                    SqlScenarios.progress("load warm-up " + loader.name());
                    timed(loader, expected);
                }
                seconds.put(loader.name(), new ArrayList<>());
            }
            for (int round = 0; round < this.settings.rounds(); round++) {
                for (Loader loader : loaders) {
                    SqlScenarios.progress("load round " + (round + 1) + " " + loader.name());
                    seconds.get(loader.name()).add(timed(loader, expected));
                }
            }
            double baseline = new Rounds(seconds.get(BASELINE)).median();
            MarkdownTable table = new MarkdownTable("contender", "#rows/s", "#seconds", "#vs r2dbc copyIn (rows/s)",
                    "#seconds min / median / max (rounds)");
            seconds.forEach((name, values) -> {
                Rounds r = new Rounds(values);
                table.row(name, figure(expected / r.median()), figure(r.median()), ratio(baseline, r.median()), noise(r));
            });
            if (psql.isEmpty()) {
                table.row("psql \\copy", "not installed (Debian package postgresql-client)", "", "", "");
            }
            report.add(table.render());
        } finally {
            tributary.close();
            pool.disposeLater().block(Duration.ofSeconds(30));
        }
    }

    private double timed(Loader loader, long expected) {
        this.db.execute("TRUNCATE cities_load");
        long t0 = System.nanoTime();
        long reported = loader.load().getAsLong();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long counted = this.db.count("cities_load");
        if (counted != expected || (reported >= 0 && reported != expected)) {
            throw new IllegalStateException(loader.name() + " loaded " + counted + " rows (reported " + reported + ") instead of " + expected);
        }
        return elapsed;
    }

    private long size() {
        try {
            return Files.size(this.csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long countRecords() {
        try (MappingIterator<String[]> records = records()) {
            long n = 0;
            while (records.hasNext()) {
                records.next();
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MappingIterator<String[]> records() throws IOException {
        return new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).enable(CsvParser.Feature.SKIP_EMPTY_LINES)
                .readerForArrayOf(String.class)
                .with(com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema().withSkipFirstDataRow(true))
                .readValues(this.csv.toFile());
    }

    private long copyIn(ConnectionPool pool) {
        return Mono.usingWhen(pool.create(), c -> {
            PostgresqlConnection pg = (PostgresqlConnection) ((Wrapped<?>) c).unwrap();
            return pg.copyIn(COPY, Mono.fromCallable(() -> Files.readAllBytes(this.csv)).flatMapMany(BulkLoadScenario::chunks));
        }, Connection::close).block(Duration.ofMinutes(5));
    }

    private static Flux<ByteBuf> chunks(byte[] bytes) {
        int chunk = 64 * 1024;
        return Flux.range(0, (bytes.length + chunk - 1) / chunk)
                .map(i -> Unpooled.wrappedBuffer(bytes, i * chunk, Math.min(chunk, bytes.length - i * chunk)));
    }

    private long inserts(ConnectionPool pool) {
        return Mono.usingWhen(pool.create(), c -> Mono.from(c.beginTransaction())
                        .thenMany(Flux.using(this::records, records -> Flux.fromIterable(() -> records).buffer(BATCH), BulkLoadScenario::closeQuietly)
                                .concatMap(batch -> {
                                    Statement st = c.createStatement(INSERT);
                                    for (int i = 0; i < batch.size(); i++) {
                                        if (i > 0) {
                                            st.add();
                                        }
                                        bind(st, batch.get(i));
                                    }
                                    return Flux.from(st.execute()).flatMap(r -> r.getRowsUpdated());
                                }))
                        .reduce(0L, Long::sum)
                        .flatMap(n -> Mono.from(c.commitTransaction()).thenReturn(n)),
                Connection::close).block(Duration.ofMinutes(5));
    }

    private static void closeQuietly(MappingIterator<String[]> records) {
        try {
            records.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void bind(Statement st, String[] record) {
        text(st, 0, record[0]);
        st.bind(1, Double.parseDouble(record[1]));
        st.bind(2, Double.parseDouble(record[2]));
        text(st, 3, record[3]);
        text(st, 4, record.length > 4 ? record[4] : "");
        text(st, 5, record.length > 5 ? record[5] : "");
    }

    private static void text(Statement st, int index, String value) {
        if (value == null || value.isEmpty()) {
            st.bindNull(index, String.class);
        } else {
            st.bind(index, value);
        }
    }

    private long copyManager() {
        try (java.sql.Connection c = DriverManager.getConnection(this.db.jdbcUrl()); InputStream in = Files.newInputStream(this.csv)) {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, in, 64 * 1024);
        } catch (Exception e) {
            throw new IllegalStateException("pgjdbc CopyManager failed", e);
        }
    }

    private long psqlCopy(Path psql) {
        var server = this.db.server();
        List<String> command = List.of(psql.toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.host(), "-p",
                String.valueOf(server.port()), "-U", "postgres", "-d", BenchDatabase.DATABASE, "-c",
                "\\copy cities_load (name, lat, lng, country, admin1, admin2) FROM '" + this.csv.toAbsolutePath().toString().replace("'", "''")
                        + "' WITH (FORMAT csv, HEADER true)");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("psql \\copy failed: " + out);
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

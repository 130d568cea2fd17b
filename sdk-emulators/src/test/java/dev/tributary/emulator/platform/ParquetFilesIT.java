package dev.tributary.emulator.platform;

import dev.tributary.emulator.platform.RoundTripFiles.Timed;
import dev.tributary.sql.load.LoadResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.tributary.emulator.platform.FormatTestFiles.sharedData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips through Parquet on a real PostgreSQL: real data sets loaded with the SDK's loader,
 * exported with {@link ParquetFiles}, converted back and loaded again, then compared in SQL.
 */
class ParquetFilesIT {

    private static final long CITIES = 171_075;

    private static RoundTripFiles postgres;

    @TempDir
    static Path dir;

    private final ParquetFiles parquet = new ParquetFiles();

    @BeforeAll
    static void loadTheDataSets() {
        postgres = RoundTripFiles.start();
        assertThat(postgres.loadFile("cities", sharedData("geonames-cities.csv")).rows()).isEqualTo(CITIES);
        assertThat(postgres.loadFile("countries", sharedData("world-countries.csv")).rows()).isEqualTo(250);
        postgres.pg.execute("CREATE TABLE typed (id int4, small int2, big int8, ratio float8, real4 float4, amount numeric,"
                        + " ok boolean, day date, at timestamptz, local_at timestamp, note text, code varchar(8), doc jsonb, raw bytea,"
                        + " key uuid, clock time)",
                "INSERT INTO typed VALUES"
                        + " (1, -7, 9007199254740993, 0.1, 1.5, 12.50, true, '2024-05-31', '2024-06-01 08:30:15.123456+02',"
                        + "  '2024-06-01 08:30:00.000001', E'Ålesund 日本 القاهرة, \"q\"\\nline', 'NO', '{\"a\": [1, 2]}', '\\x0a1bff',"
                        + "  '123e4567-e89b-12d3-a456-426614174000', '12:30:15.5'),"
                        + " (2, 32767, -9223372036854775808, -1e-300, -0.25, 0.1000000000000000000001, false, '0001-01-01',"
                        + "  '1850-03-01 00:00:00+00', '9999-12-31 23:59:59.999999', '', '', '[]', '\\x', NULL, '00:00'),"
                        + " (3, 0, 0, 'NaN', 'Infinity', -123456789012345678901234567890.5, NULL, '1999-12-31', '2024-12-31 23:59:59.999999+00',"
                        + "  '1999-12-31 12:00:00.5', ' leading space', NULL, 'null', NULL, NULL, NULL),"
                        + " (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void exportsTheCitiesToParquetAndLoadsThemBackAsTheSameRows() throws Exception {
        Path file = dir.resolve("cities.parquet");

        Timed<Long> export = postgres.export(this.parquet, "SELECT * FROM cities", file);
        Timed<Path> convert = RoundTripFiles.convertToFile(this.parquet, file, dir.resolve("cities-from-parquet.csv"));
        Timed<LoadResult> load = postgres.loadCsvFile("cities_from_parquet", convert.value());

        assertThat(export.value()).isEqualTo(CITIES);
        assertThat(load.value().rows()).isEqualTo(CITIES);
        postgres.assertSameRows("cities", "cities_from_parquet", CITIES);
        RoundTripFiles.report("cities Parquet", "rows " + export.value(), "file " + Files.size(file) + " bytes",
                "export " + export.elapsed().toMillis() + " ms",
                "to CSV " + convert.elapsed().toMillis() + " ms",
                "CSV " + Files.size(convert.value()) + " bytes", "load " + load.elapsed().toMillis() + " ms");
    }

    @Test
    void keepsTheTwentyFiveScriptsOfTheWorldCountries() {
        Path file = dir.resolve("countries.parquet");

        assertThat(postgres.export(this.parquet, "SELECT * FROM countries", file).value()).isEqualTo(250);
        Timed<LoadResult> load = postgres.convertAndLoadLike(this.parquet, file, "countries_from_parquet", "countries");

        assertThat(load.value().rows()).isEqualTo(250);
        postgres.assertSameRows("countries", "countries_from_parquet", 250);
        assertThat(postgres.strings("SELECT \"translations.kor.common\" || ' ' || \"translations.rus.common\" || ' ' || flag"
                + " FROM countries_from_parquet WHERE cca2 = 'NO'")).containsExactly("노르웨이 Норвегия 🇳🇴");
    }

    @Test
    void keepsNullsNumbersMicrosecondTimestampsAndBooleansOfATypedTable() {
        Path file = dir.resolve("typed.parquet");

        assertThat(postgres.export(this.parquet, "SELECT * FROM typed", file).value()).isEqualTo(4);
        Timed<LoadResult> load = postgres.convertAndLoadLike(this.parquet, file, "typed_from_parquet", "typed");

        assertThat(load.value().rows()).isEqualTo(4);
        postgres.assertSameRows("typed", "typed_from_parquet", 4);
        assertThat(postgres.strings("SELECT concat_ws('|', note IS NULL, note = '', amount::text) FROM typed_from_parquet ORDER BY id"))
                .containsExactly("f|f|12.50", "f|t|0.1000000000000000000001", "f|f|-123456789012345678901234567890.5", "t");
    }
}

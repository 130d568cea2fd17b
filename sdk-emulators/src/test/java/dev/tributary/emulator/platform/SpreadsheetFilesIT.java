package dev.tributary.emulator.platform;

import dev.tributary.emulator.platform.RoundTripFiles.Timed;
import dev.tributary.sql.load.LoadResult;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;

import static dev.tributary.emulator.platform.FormatTestFiles.sharedData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips through XLSX (and an XLS built here) on a real PostgreSQL: real data sets loaded
 * with the SDK's loader, exported with {@link SpreadsheetFiles}, converted back and loaded again,
 * then compared in SQL.
 */
class SpreadsheetFilesIT {

    private static final long CITIES = 171_075;

    private static RoundTripFiles postgres;

    @TempDir
    static Path dir;

    private final SpreadsheetFiles spreadsheets = new SpreadsheetFiles();

    @BeforeAll
    static void loadTheDataSets() {
        postgres = RoundTripFiles.start();
        assertThat(postgres.loadFile("cities", sharedData("geonames-cities.csv")).rows()).isEqualTo(CITIES);
        assertThat(postgres.loadFile("countries", sharedData("world-countries.csv")).rows()).isEqualTo(250);
        postgres.pg.execute("CREATE TABLE typed (id int4, small int2, big int8, ratio float8, real4 float4, amount numeric(12,4),"
                        + " ok boolean, day date, at timestamptz, local_at timestamp, note text, code varchar(8), doc jsonb, raw bytea)",
                "INSERT INTO typed VALUES"
                        + " (1, -7, 9007199254740993, 0.1, 1.5, 12.5, true, '2024-05-31', '2024-06-01 08:30:15.123+02',"
                        + "  '2024-06-01 08:30:00', E'Ålesund 日本 القاهرة, \"q\"\\nline', 'NO', '{\"a\": [1, 2]}', '\\x0a1bff'),"
                        + " (2, 32767, -9223372036854775808, -1e-300, -0.25, -0.0001, false, '1900-01-15', '1900-03-01 00:00:00+00',"
                        + "  '9999-12-31 23:59:59.998', '', '', '[]', '\\x'),"
                        + " (3, 0, 0, 'NaN', 'Infinity', 0, NULL, '1850-01-01', '2024-12-31 23:59:59.999+00', '1999-12-31 12:00:00.5',"
                        + "  ' leading space', NULL, 'null', NULL),"
                        + " (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void exportsTheCitiesToXlsxAndLoadsThemBackAsTheSameRows() throws Exception {
        Path xlsx = dir.resolve("cities.xlsx");

        Timed<Long> export = postgres.export(this.spreadsheets, "SELECT * FROM cities", xlsx);
        Timed<Path> convert = RoundTripFiles.convertToFile(this.spreadsheets, xlsx, dir.resolve("cities-from-xlsx.csv"));
        Timed<LoadResult> load = postgres.loadCsvFile("cities_from_xlsx", convert.value());

        assertThat(export.value()).isEqualTo(CITIES);
        assertThat(load.value().rows()).isEqualTo(CITIES);
        assertThat(load.value().tableCreated()).isTrue();
        postgres.assertSameRows("cities", "cities_from_xlsx", CITIES);
        RoundTripFiles.report("cities XLSX", "rows " + export.value(), "file " + Files.size(xlsx) + " bytes",
                "export " + export.elapsed().toMillis() + " ms",
                "to CSV " + convert.elapsed().toMillis() + " ms",
                "CSV " + Files.size(convert.value()) + " bytes", "load " + load.elapsed().toMillis() + " ms");
    }

    @Test
    void keepsTheTwentyFiveScriptsOfTheWorldCountries() {
        Path xlsx = dir.resolve("countries.xlsx");

        assertThat(postgres.export(this.spreadsheets, "SELECT * FROM countries", xlsx).value()).isEqualTo(250);
        Timed<LoadResult> load = postgres.convertAndLoadLike(this.spreadsheets, xlsx, "countries_from_xlsx", "countries");

        assertThat(load.value().rows()).isEqualTo(250);
        postgres.assertSameRows("countries", "countries_from_xlsx", 250);
        assertThat(postgres.strings("SELECT \"translations.jpn.common\" || ' ' || \"translations.ara.common\" || ' ' || flag"
                + " FROM countries_from_xlsx WHERE cca2 = 'NO'")).containsExactly("ノルウェー النرويج 🇳🇴");
    }

    @Test
    void keepsNullsNumbersDatesTimestampsAndBooleansOfATypedTable() {
        Path xlsx = dir.resolve("typed.xlsx");

        assertThat(postgres.export(this.spreadsheets, "SELECT * FROM typed", xlsx).value()).isEqualTo(4);
        Timed<LoadResult> load = postgres.convertAndLoadLike(this.spreadsheets, xlsx, "typed_from_xlsx", "typed");

        assertThat(load.value().rows()).isEqualTo(4);
        postgres.assertSameRows("typed", "typed_from_xlsx", 4);
        assertThat(postgres.strings("SELECT concat_ws('|', note IS NULL, note = '', code IS NULL, code = '') FROM typed_from_xlsx ORDER BY id"))
                .containsExactly("f|f|f|f", "f|t|f|t", "f|f|t", "t|t");
    }

    @Test
    void loadsAnXlsWorkbookBuiltFromTheCountriesWithExactCounts() throws Exception {
        Path xls = dir.resolve("countries.xls");
        try (HSSFWorkbook workbook = new HSSFWorkbook();
             Connection connection = postgres.pg.superuserDataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM countries")) {
            Sheet sheet = workbook.createSheet("countries");
            ResultSetMetaData metadata = rows.getMetaData();
            Row header = sheet.createRow(0);
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                header.createCell(i - 1).setCellValue(metadata.getColumnName(i));
            }
            while (rows.next()) {
                Row row = sheet.createRow(rows.getRow());
                for (int i = 1; i <= metadata.getColumnCount(); i++) {
                    Object value = rows.getObject(i);
                    if (value instanceof Number number) {
                        row.createCell(i - 1).setCellValue(number.doubleValue());
                    } else if (value != null) {
                        row.createCell(i - 1).setCellValue(value.toString());
                    }
                }
            }
            try (OutputStream out = Files.newOutputStream(xls)) {
                workbook.write(out);
            }
        }

        Timed<LoadResult> load = postgres.convertAndLoadLike(this.spreadsheets, xls, "countries_from_xls", "countries");

        assertThat(load.value().rows()).isEqualTo(250);
        postgres.assertSameRows("countries", "countries_from_xls", 250);
    }
}

package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.emulator.platform.RoundTripFiles.Timed;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadedColumn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.tributary.emulator.platform.FormatTestFiles.sharedData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite databases built here from the real OurAirports data (with sqlite-jdbc), converted with
 * {@link SqliteFiles} and loaded with the SDK's loader into a real PostgreSQL, compared in SQL
 * with the same data loaded from its JSON.
 */
class SqliteFilesIT {

    private static RoundTripFiles postgres;
    private static LoadResult airports;
    private static LoadResult regions;

    @TempDir
    static Path dir;

    private final SqliteFiles sqlite = new SqliteFiles();

    @BeforeAll
    static void loadTheDataSets() {
        postgres = RoundTripFiles.start();
        airports = postgres.loadFile("airports", sharedData("ourairports-airports.json"));
        regions = postgres.loadFile("regions", sharedData("ourairports-regions.json"));
        assertThat(airports.rows()).isEqualTo(5_210);
        assertThat(regions.rows()).isEqualTo(3_901);
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * Copies a JSON data set into a SQLite table, the columns with the affinity of the types the SDK
     * inferred: {@code INTEGER}, {@code REAL} or {@code TEXT}; an empty string is NULL in the
     * numeric columns and stays an empty string in the text ones, as the loader does.
     */
    private static void copyInto(Connection connection, String table, String jsonFile, List<LoadedColumn> columns) throws Exception {
        List<Map<String, String>> objects = JsonMapper.builder().build()
                .readValue(sharedData(jsonFile).toFile(), new TypeReference<List<Map<String, String>>>() {
                });
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE " + table + " (" + columns.stream()
                    .map(c -> '"' + c.name() + "\" " + affinity(c.sqlType()))
                    .collect(Collectors.joining(", ")) + ")");
        }
        String insert = "INSERT INTO " + table + " VALUES (" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            for (Map<String, String> object : objects) {
                for (int i = 0; i < columns.size(); i++) {
                    LoadedColumn column = columns.get(i);
                    String value = object.get(column.name());
                    if (value == null || value.isEmpty() && !column.sqlType().equals("text")) {
                        statement.setNull(i + 1, Types.NULL);
                    } else if (column.sqlType().equals("bigint")) {
                        statement.setLong(i + 1, Long.parseLong(value));
                    } else if (column.sqlType().equals("double precision")) {
                        statement.setDouble(i + 1, Double.parseDouble(value));
                    } else {
                        statement.setString(i + 1, value);
                    }
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static String affinity(String sqlType) {
        switch (sqlType) {
            case "bigint":
                return "INTEGER";
            case "double precision":
                return "REAL";
            default:
                return "TEXT";
        }
    }

    private static Path database(String name, String... tables) throws Exception {
        Path file = dir.resolve(name);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            connection.setAutoCommit(false);
            for (String table : tables) {
                if (table.equals("airports")) {
                    copyInto(connection, "airports", "ourairports-airports.json", airports.columns());
                } else {
                    copyInto(connection, "regions", "ourairports-regions.json", regions.columns());
                }
            }
            connection.commit();
        }
        return file;
    }

    @Test
    void convertsTheFirstTableByNameOfADatabaseOfAirportsAndRegionsWithExactCounts() throws Exception {
        Path file = database("ourairports.sqlite", "regions", "airports");

        Timed<Path> csv = RoundTripFiles.convertToFile(this.sqlite, file, dir.resolve("airports-from-sqlite.csv"));
        Timed<LoadResult> load = postgres.loadCsvFile("airports_from_sqlite", csv.value());

        assertThat(load.value().rows()).isEqualTo(5_210);
        postgres.assertSameRows("airports", "airports_from_sqlite", 5_210);
        assertThat(postgres.pg.queryForLong("SELECT count(*) FROM airports_from_sqlite WHERE elevation_ft IS NULL")).isEqualTo(176);
        assertThat(postgres.pg.queryForLong("SELECT count(*) FROM airports_from_sqlite WHERE home_link = ''"))
                .isEqualTo(postgres.pg.queryForLong("SELECT count(*) FROM airports WHERE home_link = ''")).isPositive();
        RoundTripFiles.report("airports SQLite", "file " + Files.size(file) + " bytes", "to CSV " + csv.elapsed().toMillis() + " ms",
                "load " + load.elapsed().toMillis() + " ms");
    }

    @Test
    void convertsTheOnlyTableOfADatabaseOfRegionsStraightIntoALoad() throws Exception {
        Path file = database("regions.db", "regions");

        Timed<LoadResult> load = postgres.convertAndLoadLike(this.sqlite, file, "regions_from_sqlite", "regions");

        assertThat(load.value().rows()).isEqualTo(3_901);
        postgres.assertSameRows("regions", "regions_from_sqlite", 3_901);
        assertThat(postgres.strings("SELECT name FROM regions_from_sqlite WHERE code = 'AD-02'")).containsExactly("Canillo Parish");
    }
}

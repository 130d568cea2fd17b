package dev.tributary.emulator.platform;

import dev.tributary.sql.load.LoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

import static dev.tributary.emulator.platform.FormatTestFiles.TIMEOUT;
import static dev.tributary.emulator.platform.FormatTestFiles.awaitClosed;
import static dev.tributary.emulator.platform.FormatTestFiles.loadFailure;
import static dev.tributary.emulator.platform.FormatTestFiles.openDescriptors;
import static dev.tributary.emulator.platform.FormatTestFiles.record;
import static dev.tributary.emulator.platform.FormatTestFiles.records;
import static dev.tributary.emulator.platform.FormatTestFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite databases built here with the same driver, converted to CSV; bad files; the database
 * closed on cancel.
 */
class SqliteFilesTest {

    private final SqliteFiles sqlite = new SqliteFiles();

    @TempDir
    Path dir;

    private Path database(String name, String... statements) throws SQLException {
        Path file = this.dir.resolve(name);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.executeUpdate(sql);
            }
        }
        return file;
    }

    @Test
    void convertsTheOnlyTableWithValuesAsStored() throws SQLException {
        Path file = database("typed.sqlite",
                "CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, ratio REAL, data BLOB, flag BOOLEAN, day DATE, note TEXT,"
                        + " anything)",
                "INSERT INTO places VALUES (1, 'Ålesund 日本 القاهرة', 0.5, x'0a1bff', 1, '2024-05-31', 'comma, \"quote\"' || char(10) || 'line', 7)",
                "INSERT INTO places VALUES (2, '', 5.0, NULL, 0, NULL, NULL, 'text in an untyped column')",
                "INSERT INTO places VALUES (3, NULL, -1e20, x'', NULL, '2024-06-01 08:30:00', '', 2.5)",
                "INSERT INTO places VALUES (9223372036854775807, 'max', NULL, NULL, NULL, NULL, NULL, NULL)",
                "CREATE VIEW named AS SELECT name FROM places");

        assertThat(records(text(this.sqlite.toCsv(file)))).containsExactly(
                record("id", "name", "ratio", "data", "flag", "day", "note", "anything"),
                record("1", "Ålesund 日本 القاهرة", "0.5", "\\x0a1bff", "1", "2024-05-31", "comma, \"quote\"\nline", "7"),
                record("2", "", "5.0", null, "0", null, null, "text in an untyped column"),
                record("3", null, "-1.0E20", "\\x", null, "2024-06-01 08:30:00", "", "2.5"),
                record("9223372036854775807", "max", null, null, null, null, null, null));
    }

    @Test
    void convertsTheFirstUserTableByNameWhenThereAreSeveral() throws SQLException {
        Path file = database("several.db",
                "CREATE TABLE zebra (z TEXT)", "INSERT INTO zebra VALUES ('z')",
                "CREATE TABLE apple (a TEXT)", "INSERT INTO apple VALUES ('a')",
                "CREATE TABLE \"Apple \"\"quoted\"\"\" (b TEXT, c INTEGER)", "INSERT INTO \"Apple \"\"quoted\"\"\" VALUES ('B', 2)",
                "CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)", // makes SQLite's own sqlite_sequence
                "CREATE VIEW \"AAA\" AS SELECT 1 AS one");

        // binary order: 'A' (0x41) before 'a' and 'c'; the view and sqlite_sequence are not user tables
        assertThat(records(text(this.sqlite.toCsv(file)))).containsExactly(record("b", "c"), record("B", "2"));
    }

    @Test
    void rejectsADatabaseWithoutATable() throws SQLException {
        Path file = database("empty.sqlite", "CREATE TABLE gone (x)", "DROP TABLE gone", "CREATE VIEW v AS SELECT 1");

        LoadException error = loadFailure(this.sqlite.toCsv(file));

        assertThat(error.getMessage()).isEqualTo("the SQLite database has no table (empty.sqlite)");
    }

    @Test
    void rejectsAFileThatIsNotASqliteDatabase() throws Exception {
        Path csv = Files.writeString(this.dir.resolve("airports.sqlite"), "ident,name\nENGM,Oslo\n");

        LoadException error = loadFailure(this.sqlite.toCsv(csv));

        assertThat(error.getSource()).isEqualTo("airports.sqlite");
        assertThat(error.getMessage()).startsWith("the file is not a SQLite 3 database");
    }

    @Test
    void rejectsACorruptDatabaseNamingIt() throws Exception {
        Path good = database("good.sqlite", "CREATE TABLE t (x TEXT)", "INSERT INTO t VALUES ('one')");
        byte[] bytes = Files.readAllBytes(good);
        Arrays.fill(bytes, 16, bytes.length, (byte) 0x5a); // the header stays, the rest is garbage
        Path corrupt = Files.write(this.dir.resolve("corrupt.sqlite"), bytes);

        LoadException error = loadFailure(this.sqlite.toCsv(corrupt));

        assertThat(error.getSource()).isEqualTo("corrupt.sqlite");
        assertThat(error.getMessage()).startsWith("the file is not a readable SQLite database: ").endsWith("(corrupt.sqlite)");
    }

    @Test
    void closesTheDatabaseWhenTheConversionIsCancelled() throws Exception {
        Path file = database("big.sqlite", "CREATE TABLE numbers (n INTEGER, label TEXT)");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO numbers VALUES (?, ?)")) {
                for (int i = 1; i <= 30_000; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row number " + i + " of a table too long for one chunk");
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        }
        assertThat(Files.size(file)).isGreaterThan(CsvFormat.CHUNK_SIZE);

        StepVerifier.create(this.sqlite.toCsv(file), 1)
                .assertNext(chunk -> assertThat(StandardCharsets.UTF_8.decode(chunk).toString()).startsWith("n,label\n1,"))
                .then(() -> assertThat(openDescriptors(file)).as("the database is open while it is read").isPositive())
                .thenCancel()
                .verify(TIMEOUT);

        assertThat(awaitClosed(file)).isZero();
    }
}

package dev.tributary.emulator.platform;

import dev.tributary.sql.load.LoadException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;
import org.sqlite.jdbc4.JDBC4Connection;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SQLite database files, read with the xerial SQLite JDBC driver (SQLite itself, its native
 * library shipped inside the driver's jar), opened read-only.
 * <p>
 * The table converted is the database's only table; when it has several, the first user table by
 * name (SQLite's binary collation: byte order of the UTF-8 names, so {@code Zebra} before
 * {@code apple}); views are not tables, SQLite's own {@code sqlite_*} tables are skipped. The CSV has a header with
 * the table's column names and a record per row, in the table's storage order ({@code SELECT *}
 * without {@code ORDER BY}). Values are written by their storage class, as SQLite stores them
 * whatever the column's declared type: {@code INTEGER} as digits, {@code REAL} as Java writes a
 * double ({@code 0.5}, {@code 5.0}, {@code 1.0E20}), {@code TEXT} as is (an empty text as
 * {@code ""}), {@code BLOB} as PostgreSQL's hex {@code bytea} text ({@code \x0a1b}, which a
 * {@code bytea} column takes back as the same bytes), {@code NULL} as an empty field. Dates and
 * booleans, which SQLite stores as text or numbers, come out as stored.
 * <p>
 * A file that is not a SQLite 3 database, a corrupt one, or one without a table is a
 * {@link LoadException} naming the file (and the row where reading stopped).
 */
final class SqliteFiles implements ImportConverter {

    /** The first 16 bytes of every SQLite 3 database file. */
    private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private static final String USER_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
            + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";

    @Override
    public Flux<ByteBuffer> toCsv(Path file) {
        return CsvFormat.toCsv(file, "SQLite", SqliteFiles::openTable);
    }

    private static CsvFormat.RecordReader openTable(Path file) throws IOException, SQLException {
        String source = CsvFormat.sourceName(file);
        checkHeader(file, source);
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        String path = file.toAbsolutePath().toString();
        // the file name is passed apart from the URL, so that no character of it is read as a URL option
        Connection connection = new JDBC4Connection("jdbc:sqlite:" + path, path, config.toProperties());
        try {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(USER_TABLES); ResultSet names = statement.executeQuery()) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            } catch (SQLException e) {
                throw new LoadException("the file is not a readable SQLite database: " + CsvFormat.describe(e), source, 0, 0, null, e);
            }
            if (tables.isEmpty()) {
                throw new LoadException("the SQLite database has no table", source, 0, 0, null, null);
            }
            Statement statement = connection.createStatement();
            try {
                ResultSet rows = statement.executeQuery("SELECT * FROM \"" + tables.get(0).replace("\"", "\"\"") + '"');
                return new TableReader(connection, statement, rows, source);
            } catch (SQLException | RuntimeException e) {
                statement.close();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static void checkHeader(Path file, String source) throws IOException {
        byte[] header;
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes(HEADER.length);
        }
        if (!Arrays.equals(header, HEADER)) {
            throw new LoadException("the file is not a SQLite 3 database (it does not start with \"SQLite format 3\")",
                    source, 0, 0, null, null);
        }
    }

    /** The rows of one table. */
    private static final class TableReader implements CsvFormat.RecordReader {

        private final Connection connection;
        private final Statement statement;
        private final ResultSet rows;
        private final String source;
        private final String[] names;
        private boolean headerWritten;
        private long row;

        TableReader(Connection connection, Statement statement, ResultSet rows, String source) throws SQLException {
            this.connection = connection;
            this.statement = statement;
            this.rows = rows;
            this.source = source;
            ResultSetMetaData metadata = rows.getMetaData();
            this.names = new String[metadata.getColumnCount()];
            for (int i = 0; i < this.names.length; i++) {
                this.names[i] = metadata.getColumnName(i + 1);
            }
        }

        @Override
        public boolean next(CsvFormat.Record out) throws IOException, SQLException {
            if (!this.headerWritten) {
                this.headerWritten = true;
                for (String name : this.names) {
                    out.field(name);
                }
                return true;
            }
            if (!this.rows.next()) {
                return false;
            }
            for (int i = 0; i < this.names.length; i++) {
                out.field(text(this.rows.getObject(i + 1), i));
            }
            this.row++;
            return true;
        }

        private String text(Object value, int column) {
            if (value == null) {
                return null;
            }
            if (value instanceof String s) {
                return s;
            }
            if (value instanceof Integer || value instanceof Long || value instanceof Double) {
                return value.toString();
            }
            if (value instanceof byte[] bytes) {
                return CsvFormat.byteaHex(bytes);
            }
            throw new LoadException("cannot show a " + value.getClass().getSimpleName() + " as text", this.source, 0, this.row + 1,
                    this.names[column], null);
        }

        /** @return the 1-based row being read */
        @Override
        public long line() {
            return this.row + 1;
        }

        @Override
        public void close() throws IOException {
            try (Connection c = this.connection; Statement s = this.statement; ResultSet r = this.rows) {
                // closed in reverse order: rows, statement, connection
            } catch (SQLException e) {
                throw new IOException("cannot close the SQLite database " + this.source + ": " + e.getMessage(), e);
            }
        }
    }
}

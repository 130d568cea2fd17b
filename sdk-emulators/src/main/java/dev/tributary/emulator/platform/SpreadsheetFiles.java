package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.pjfanning.xlsx.StreamingReader;
import com.github.pjfanning.xlsx.impl.StreamingCell;
import dev.tributary.sql.load.LoadException;
import io.r2dbc.postgresql.codec.Json;
import org.apache.poi.EncryptedDocumentException;
import org.apache.poi.hssf.OldExcelFormatException;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.crypt.Decryptor;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.SpreadsheetVersion;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Excel spreadsheets, with Apache POI: imports of {@code .xlsx} (read as a stream with
 * excel-streaming-reader, POI's streaming reader by a POI committer, so a sheet of any length is
 * read in bounded memory) and {@code .xls} (POI's HSSF, which reads the whole workbook: the format
 * holds at most 65,536 rows), and exports as {@code .xlsx} (the platform API's {@code xls} export
 * format), written with POI's streaming {@link SXSSFWorkbook} in bounded memory.
 *
 * <h2>Import</h2>
 * The format is told from the file's first bytes, not its name. The first sheet is read:
 * <ul>
 * <li>its first row that has a value is the first CSV record, as the file has it (the loader's
 * {@link dev.tributary.sql.load.HeaderMode} decides whether it names the columns); rows above it
 * are skipped. Its last cell with a value sets the number of fields of every record;</li>
 * <li>every later row the sheet has is a record, blank cells and cells it lacks as empty fields
 * (rows the sheet does not have at all, gaps, are skipped). A value right of the first row's last
 * value is a {@link LoadException} naming the cell;</li>
 * <li>numbers as Excel stores them, not as displayed: integers without {@code .0}, others in
 * plain decimal notation ({@code 0.25}, not {@code 25%}; scientific notation only below 1e-7 or
 * from 1e20); cells with a date format as ISO 8601: {@code 2024-05-31} when neither the value nor
 * the format has a time of day, {@code 2024-05-31T12:30:00} (milliseconds when there are, Excel
 * keeps no more) when one has, and {@code 12:30:00} for a time-only format under one day;</li>
 * <li>booleans as {@code true}/{@code false}, text as is (an empty text as {@code ""}), formula
 * cells as their cached result, error cells as Excel shows them ({@code #DIV/0!}), as Excel's own
 * "Save as CSV" does.</li>
 * </ul>
 * A file that is not a spreadsheet, is encrypted, is in the Excel 5.0/95 format, or is corrupt
 * signals a {@link LoadException} naming the file (and the row, and cell, where the reading
 * stopped). The shared-strings table of an {@code .xlsx} is held in memory (inline strings, which
 * this class writes, are not).
 *
 * <h2>Export</h2>
 * One sheet, {@code Sheet1}: a header row with the column names, then a row per result row, the
 * cells typed by value: numbers as numeric cells ({@code bigint} beyond ±2^53, and {@code numeric}
 * values a double cannot hold exactly, as text, so that no digit is lost; NaN and infinities as
 * text), booleans as boolean cells, dates as date cells formatted {@code yyyy-mm-dd}, timestamps as
 * date cells formatted {@code yyyy-mm-dd hh:mm:ss.000} (Excel has no time zones: a
 * {@code timestamptz} is written in UTC; Excel keeps milliseconds, so microseconds are rounded),
 * times as cells formatted {@code hh:mm:ss.000}, dates outside Excel's 1900-9999 as ISO 8601
 * text, {@code bytea} as PostgreSQL's hex text ({@code \x0a1b}), {@code json}/{@code jsonb} and
 * arrays as JSON text, anything else as its text; SQL {@code NULL} as a blank cell. A value the
 * format cannot hold (a text longer than 32,767 characters, more than 1,048,575 rows or 16,384
 * columns) fails the export with an {@link IllegalArgumentException} naming the row and column.
 * Rows go through a window of {@value #ROW_WINDOW} rows in memory; the rest is in POI's
 * temporary file of the sheet's XML (uncompressed: about 5 times the size of the final file, but
 * no second deflating of every row), deleted when the export ends.
 */
final class SpreadsheetFiles implements ImportConverter, ExportWriter {

    /** Rows an export keeps in memory; older rows are flushed to POI's temporary file. */
    static final int ROW_WINDOW = 200;

    /** The name of the exported sheet. */
    static final String SHEET_NAME = "Sheet1";

    private static final SpreadsheetVersion XLSX = SpreadsheetVersion.EXCEL2007;

    private static final String STREAMING_ERROR_PREFIX = "ERROR:";

    /** Integers a double holds exactly (2^53). */
    private static final long EXACT_DOUBLE_INTEGER = 1L << 53;

    private static final JsonMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    @Override
    public Flux<ByteBuffer> toCsv(Path file) {
        return CsvFormat.toCsv(file, "spreadsheet", SpreadsheetFiles::openFirstSheet);
    }

    @Override
    public Mono<Long> write(List<ExportColumn> columns, Flux<Object[]> rows, Path target) {
        return Mono.defer(() -> {
            if (columns.size() > XLSX.getMaxColumns()) {
                return Mono.error(new IllegalArgumentException("an XLSX sheet holds at most " + XLSX.getMaxColumns()
                        + " columns; the result has " + columns.size()));
            }
            return ExportFileFormat.write(columns, rows, target, file -> new SheetWriter(columns, file));
        });
    }

    // ---- import ---------------------------------------------------------------------------

    private static CsvFormat.RecordReader openFirstSheet(Path file) throws IOException {
        String source = CsvFormat.sourceName(file);
        FileMagic magic = Files.size(file) == 0 ? FileMagic.UNKNOWN : FileMagic.valueOf(file.toFile());
        switch (magic) {
            case OOXML:
                return openXlsx(file, source);
            case OLE2:
                return openXls(file, source);
            case BIFF2:
            case BIFF3:
            case BIFF4:
                throw new LoadException("the file is an Excel 2.x-4.0 worksheet, a format from before Excel 97 that cannot "
                        + "be read; save it as .xlsx", source, 0, 0, null, null);
            default:
                throw new LoadException("the file is not an XLS or XLSX spreadsheet ("
                        + (magic == FileMagic.UNKNOWN ? "its first bytes are of no spreadsheet format" : "it is " + magic)
                        + ")", source, 0, 0, null, null);
        }
    }

    private static CsvFormat.RecordReader openXlsx(Path file, String source) {
        Workbook workbook;
        try {
            workbook = StreamingReader.builder()
                    .rowCacheSize(100)
                    .bufferSize(16 * 1024)
                    .setReadComments(false)
                    .setReadHyperlinks(false)
                    .setReadShapes(false)
                    .setReadCoreProperties(false)
                    .open(file.toFile());
        } catch (RuntimeException e) {
            throw new LoadException("the file is not a readable XLSX spreadsheet (a ZIP archive without a workbook in it, "
                    + "or a corrupt one): " + CsvFormat.describe(e), source, 0, 0, null, e);
        }
        return firstSheet(workbook, null, source);
    }

    private static CsvFormat.RecordReader openXls(Path file, String source) throws IOException {
        POIFSFileSystem filesystem;
        try {
            filesystem = new POIFSFileSystem(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new LoadException("the file is not a readable XLS spreadsheet (a corrupt OLE2 container): "
                    + CsvFormat.describe(e), source, 0, 0, null, e);
        }
        try {
            if (filesystem.getRoot().hasEntry(Decryptor.DEFAULT_POIFS_ENTRY)) {
                throw new LoadException("the spreadsheet is encrypted (password-protected); save it without a password",
                        source, 0, 0, null, null);
            }
            // a workbook made from a directory does not close the container: the reader does
            return firstSheet(new HSSFWorkbook(filesystem.getRoot(), false), filesystem, source);
        } catch (LoadException e) {
            filesystem.close();
            throw e;
        } catch (EncryptedDocumentException e) {
            filesystem.close();
            throw new LoadException("the spreadsheet is encrypted (password-protected); save it without a password",
                    source, 0, 0, null, e);
        } catch (OldExcelFormatException e) {
            filesystem.close();
            throw new LoadException("the file is an Excel 5.0/95 workbook, a format that cannot be read; save it as .xlsx",
                    source, 0, 0, null, e);
        } catch (IOException | RuntimeException e) {
            filesystem.close();
            throw new LoadException("the file is not a readable XLS spreadsheet (an OLE2 file without a valid workbook: "
                    + "another Office document, or a corrupt one): " + CsvFormat.describe(e), source, 0, 0, null, e);
        }
    }

    private static CsvFormat.RecordReader firstSheet(Workbook workbook, Closeable container, String source) {
        try {
            if (workbook.getNumberOfSheets() == 0) {
                throw new LoadException("the spreadsheet has no sheet", source, 0, 0, null, null);
            }
            Sheet sheet = workbook.getSheetAt(0);
            return new SheetReader(workbook, container, sheet.rowIterator(), source);
        } catch (LoadException e) {
            closeQuietly(workbook);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(workbook);
            throw new LoadException("cannot read the first sheet of the spreadsheet: " + CsvFormat.describe(e), source, 0, 0, null, e);
        }
    }

    private static void closeQuietly(Workbook workbook) {
        try {
            workbook.close();
        } catch (IOException | RuntimeException e) {
            // read-only: nothing to lose
        }
    }

    /** The rows of a sheet as records. */
    private static final class SheetReader implements CsvFormat.RecordReader {

        private final Workbook workbook;
        private final Closeable container;
        private final Iterator<Row> rows;
        private final String source;
        private String[] header;
        private long lastLine;

        SheetReader(Workbook workbook, Closeable container, Iterator<Row> rows, String source) {
            this.workbook = workbook;
            this.container = container;
            this.rows = rows;
            this.source = source;
        }

        @Override
        public boolean next(CsvFormat.Record out) throws IOException {
            while (this.rows.hasNext()) {
                Row row = this.rows.next();
                long line = row.getRowNum() + 1L;
                if (this.header == null) {
                    String[] values = headerValues(row);
                    this.lastLine = line;
                    if (values == null) {
                        continue; // a row without a value above the first one that has
                    }
                    this.header = values;
                    for (String value : values) {
                        out.field(value);
                    }
                    return true;
                }
                checkWidth(row, line);
                for (int column = 0; column < this.header.length; column++) {
                    Cell cell = row.getCell(column);
                    out.field(cell == null ? null : text(cell));
                }
                this.lastLine = line;
                return true;
            }
            return false;
        }

        /** @return the texts of the row up to its last value, or {@code null} when it has none */
        private String[] headerValues(Row row) {
            int last = -1;
            for (Cell cell : row) {
                if (text(cell) != null) {
                    last = Math.max(last, cell.getColumnIndex());
                }
            }
            if (last < 0) {
                return null;
            }
            String[] values = new String[last + 1];
            for (int column = 0; column <= last; column++) {
                Cell cell = row.getCell(column);
                values[column] = cell == null ? null : text(cell);
            }
            return values;
        }

        private void checkWidth(Row row, long line) {
            if (row.getLastCellNum() <= this.header.length) {
                return;
            }
            for (Cell cell : row) {
                if (cell.getColumnIndex() >= this.header.length && text(cell) != null) {
                    throw new LoadException("cell " + cell.getAddress().formatAsString() + " has a value right of the first row's last value (column "
                            + CellReference.convertNumToColString(this.header.length - 1) + "): every row must fit the columns the first row has",
                            this.source, line, 0, CellReference.convertNumToColString(cell.getColumnIndex()), null);
                }
            }
        }

        private String text(Cell cell) {
            try {
                return cellText(cell, cell.getCellType());
            } catch (RuntimeException e) {
                int column = cell.getColumnIndex();
                String name = this.header != null && column < this.header.length && this.header[column] != null
                        ? this.header[column] : CellReference.convertNumToColString(column);
                throw new LoadException("cannot read cell " + new CellReference(cell.getRowIndex(), column).formatAsString()
                        + ": " + CsvFormat.describe(e), this.source, cell.getRowIndex() + 1L, 0, name, e);
            }
        }

        /** @return the row after the last one read: where a failure to read the sheet's rows is */
        @Override
        public long line() {
            return this.lastLine + 1;
        }

        @Override
        public void close() throws IOException {
            try {
                this.workbook.close();
            } finally {
                if (this.container != null) {
                    this.container.close();
                }
            }
        }
    }

    /**
     * @param cell a cell
     * @param type its type (a formula cell's cached result type)
     * @return its value as CSV text, {@code null} for a blank cell
     */
    static String cellText(Cell cell, CellType type) {
        switch (type) {
            case BLANK:
                return null;
            case STRING:
                return cell.getStringCellValue();
            case BOOLEAN:
                return cell.getBooleanCellValue() ? "true" : "false";
            case NUMERIC:
                return DateUtil.isCellDateFormatted(cell) ? dateText(cell) : numberText(cell.getNumericCellValue());
            case ERROR:
                if (cell.getCellType() == CellType.FORMULA && cell instanceof StreamingCell) {
                    // the streaming reader keeps a formula's cached error as text only, as POI's SAX handler shows it: "ERROR:  #DIV/0!"
                    String shown = cell.getStringCellValue();
                    String code = shown.startsWith(STREAMING_ERROR_PREFIX) ? shown.substring(STREAMING_ERROR_PREFIX.length()) : shown;
                    return FormulaError.forString(code.trim()).getString();
                }
                return FormulaError.forInt(cell.getErrorCellValue()).getString();
            case FORMULA:
                return cellText(cell, cell.getCachedFormulaResultType());
            default:
                throw new IllegalStateException("a cell of type " + type);
        }
    }

    /**
     * @param value a number as Excel stores it (a double)
     * @return integers without a fraction ({@code 3}), others in plain notation ({@code 0.25}),
     *         scientific below 1e-7 and from 1e20 ({@code 1.0E-9})
     */
    static String numberText(double value) {
        if (value == Math.rint(value) && Math.abs(value) < EXACT_DOUBLE_INTEGER) {
            return Long.toString((long) value);
        }
        double magnitude = Math.abs(value);
        if (Double.isFinite(value) && magnitude >= 1e-7 && magnitude < 1e20) {
            return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
        }
        return Double.toString(value);
    }

    private static String dateText(Cell cell) {
        double value = cell.getNumericCellValue();
        LocalDateTime at = cell.getLocalDateTimeCellValue();
        if (at == null) {
            return numberText(value); // not a valid Excel date (negative)
        }
        String format = cell.getCellStyle().getDataFormatString();
        boolean showsTime = format != null && formatShows(format, "hHsS");
        boolean showsDate = format == null || formatShows(format, "yYdD");
        if (!showsDate && value < 1) {
            return at.toLocalTime().format(DateTimeFormatter.ISO_LOCAL_TIME);
        }
        if (!showsTime && at.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return at.toLocalDate().format(DateTimeFormatter.ISO_LOCAL_DATE);
        }
        return at.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }

    /**
     * @param format  an Excel number format
     * @param letters the format letters to look for
     * @return whether the format has one of the letters outside quoted text, escapes and
     *         bracketed sections other than elapsed-time ones ({@code [h]})
     */
    static boolean formatShows(String format, String letters) {
        boolean quoted = false;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted) {
                continue;
            } else if (c == '\\' || c == '_' || c == '*') {
                i++; // an escaped or padding character
            } else if (c == '[') {
                int end = format.indexOf(']', i);
                if (end < 0) {
                    return false;
                }
                String section = format.substring(i + 1, end);
                if (!section.isEmpty() && section.chars().allMatch(s -> "hHmMsS".indexOf(s) >= 0)
                        && section.chars().anyMatch(s -> letters.indexOf(s) >= 0)) {
                    return true;
                }
                i = end;
            } else if (letters.indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    // ---- export ---------------------------------------------------------------------------

    /** Writes one export's sheet. */
    private static final class SheetWriter implements ExportFileFormat.RowWriter {

        private final List<ExportColumn> columns;
        private final Path file;
        private final SXSSFWorkbook workbook;
        private final Sheet sheet;
        private final CellStyle dateStyle;
        private final CellStyle timestampStyle;
        private final CellStyle timeStyle;

        SheetWriter(List<ExportColumn> columns, Path file) {
            this.columns = columns;
            this.file = file;
            this.workbook = new SXSSFWorkbook(null, ROW_WINDOW, false, false);
            try {
                this.sheet = this.workbook.createSheet(SHEET_NAME);
                this.dateStyle = style("yyyy-mm-dd");
                this.timestampStyle = style("yyyy-mm-dd hh:mm:ss.000");
                this.timeStyle = style("hh:mm:ss.000");
                Row header = this.sheet.createRow(0);
                for (int i = 0; i < columns.size(); i++) {
                    header.createCell(i).setCellValue(checkedText(columns.get(i).name(), 0, i));
                }
            } catch (RuntimeException e) {
                this.workbook.dispose();
                throw e;
            }
        }

        private CellStyle style(String format) {
            CellStyle style = this.workbook.createCellStyle();
            style.setDataFormat(this.workbook.createDataFormat().getFormat(format));
            return style;
        }

        @Override
        public void write(Object[] values, long rowNumber) {
            if (rowNumber > XLSX.getLastRowIndex()) {
                throw new IllegalArgumentException("an XLSX sheet holds at most " + XLSX.getLastRowIndex()
                        + " rows below its header; row " + rowNumber + " does not fit");
            }
            Row row = this.sheet.createRow((int) rowNumber);
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                if (value != null) {
                    setValue(row.createCell(i), value, rowNumber, i);
                }
            }
        }

        private void setValue(Cell cell, Object value, long rowNumber, int column) {
            if (value instanceof String s) {
                cell.setCellValue(checkedText(s, rowNumber, column));
            } else if (value instanceof Boolean b) {
                cell.setCellValue(b);
            } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                cell.setCellValue(((Number) value).intValue());
            } else if (value instanceof Long l) {
                if (l >= -EXACT_DOUBLE_INTEGER && l <= EXACT_DOUBLE_INTEGER) {
                    cell.setCellValue(l);
                } else {
                    cell.setCellValue(l.toString());
                }
            } else if (value instanceof Double d) {
                setDouble(cell, d);
            } else if (value instanceof Float f) {
                // the float's shortest decimal, not its binary expansion (0.1f is 0.1, not 0.10000000149)
                setDouble(cell, Double.parseDouble(f.toString()));
            } else if (value instanceof BigDecimal d) {
                setExactNumber(cell, d);
            } else if (value instanceof BigInteger i) {
                setExactNumber(cell, new BigDecimal(i));
            } else if (value instanceof LocalDate date) {
                setDateTime(cell, date.atStartOfDay(), this.dateStyle, date.toString());
            } else if (value instanceof LocalDateTime at) {
                setDateTime(cell, at, this.timestampStyle, at.toString());
            } else if (value instanceof OffsetDateTime at) {
                setDateTime(cell, at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime(), this.timestampStyle, at.toString());
            } else if (value instanceof ZonedDateTime at) {
                setDateTime(cell, at.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime(), this.timestampStyle, at.toString());
            } else if (value instanceof Instant at) {
                setDateTime(cell, LocalDateTime.ofInstant(at, ZoneOffset.UTC), this.timestampStyle, at.toString());
            } else if (value instanceof LocalTime time) {
                cell.setCellValue(time.toNanoOfDay() / 86_400e9);
                cell.setCellStyle(this.timeStyle);
            } else if (value instanceof ByteBuffer bytes) {
                byte[] copy = new byte[bytes.remaining()];
                bytes.duplicate().get(copy);
                cell.setCellValue(checkedText(CsvFormat.byteaHex(copy), rowNumber, column));
            } else if (value instanceof byte[] bytes) {
                cell.setCellValue(checkedText(CsvFormat.byteaHex(bytes), rowNumber, column));
            } else if (value instanceof Json json) {
                cell.setCellValue(checkedText(json.asString(), rowNumber, column));
            } else if (value.getClass().isArray() || value instanceof Collection) {
                cell.setCellValue(checkedText(jsonText(value, rowNumber, column), rowNumber, column));
            } else {
                cell.setCellValue(checkedText(value.toString(), rowNumber, column));
            }
        }

        private static void setDouble(Cell cell, double value) {
            if (Double.isFinite(value)) {
                cell.setCellValue(value);
            } else {
                cell.setCellValue(Double.toString(value)); // NaN, Infinity, -Infinity: Excel has no such numbers
            }
        }

        private static void setExactNumber(Cell cell, BigDecimal value) {
            double d = value.doubleValue();
            if (Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(value) == 0) {
                cell.setCellValue(d);
            } else {
                cell.setCellValue(value.toPlainString()); // more digits than a double holds: kept as text
            }
        }

        private static void setDateTime(Cell cell, LocalDateTime at, CellStyle style, String text) {
            if (at.getYear() < 1900 || at.getYear() > 9999) {
                cell.setCellValue(text); // outside the dates Excel has
            } else {
                cell.setCellValue(at);
                cell.setCellStyle(style);
            }
        }

        private String checkedText(String text, long rowNumber, int column) {
            if (text.length() > XLSX.getMaxTextLength()) {
                throw new IllegalArgumentException("row " + rowNumber + ", column '" + this.columns.get(column).name() + "': a text of "
                        + text.length() + " characters is longer than an XLSX cell holds (" + XLSX.getMaxTextLength() + ")");
            }
            return text;
        }

        private String jsonText(Object value, long rowNumber, int column) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("row " + rowNumber + ", column '" + this.columns.get(column).name()
                        + "': cannot write the " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
            }
        }

        @Override
        public void finish() throws IOException {
            try (OutputStream out = Files.newOutputStream(this.file)) {
                this.workbook.write(out);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                this.workbook.close();
            } finally {
                this.workbook.dispose();
            }
        }
    }
}

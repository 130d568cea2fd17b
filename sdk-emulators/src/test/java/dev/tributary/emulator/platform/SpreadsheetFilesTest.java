package dev.tributary.emulator.platform;

import dev.tributary.emulator.platform.ExportWriter.ExportColumn;
import dev.tributary.sql.load.LoadException;
import io.r2dbc.postgresql.codec.Json;
import org.apache.poi.hssf.record.crypto.Biff8EncryptionKey;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tributary.emulator.platform.FormatTestFiles.TIMEOUT;
import static dev.tributary.emulator.platform.FormatTestFiles.awaitClosed;
import static dev.tributary.emulator.platform.FormatTestFiles.awaitFiles;
import static dev.tributary.emulator.platform.FormatTestFiles.loadFailure;
import static dev.tributary.emulator.platform.FormatTestFiles.openDescriptors;
import static dev.tributary.emulator.platform.FormatTestFiles.record;
import static dev.tributary.emulator.platform.FormatTestFiles.records;
import static dev.tributary.emulator.platform.FormatTestFiles.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spreadsheets built here with POI (HSSF, XSSF) and written by {@link SpreadsheetFiles} itself,
 * converted to CSV; bad files; resources released on cancel.
 */
class SpreadsheetFilesTest {

    private final SpreadsheetFiles spreadsheets = new SpreadsheetFiles();

    @TempDir
    Path dir;

    /** Fills the first sheet with the values every workbook test expects back. */
    private static void fillTypedSheet(Workbook workbook) {
        Sheet sheet = workbook.createSheet("typed");
        workbook.createSheet("ignored").createRow(0).createCell(0).setCellValue("only the first sheet is read");
        CellStyle isoDate = workbook.createCellStyle();
        isoDate.setDataFormat(workbook.createDataFormat().getFormat("yyyy-mm-dd"));
        CellStyle usDate = workbook.createCellStyle();
        usDate.setDataFormat((short) 14); // builtin m/d/yy
        CellStyle timestamp = workbook.createCellStyle();
        timestamp.setDataFormat(workbook.createDataFormat().getFormat("yyyy-mm-dd hh:mm:ss.000"));
        CellStyle time = workbook.createCellStyle();
        time.setDataFormat(workbook.createDataFormat().getFormat("h:mm"));
        CellStyle percent = workbook.createCellStyle();
        percent.setDataFormat(workbook.createDataFormat().getFormat("0%"));

        // row 1 is empty: the header is the first row with a value
        sheet.createRow(0);
        Row header = sheet.createRow(1);
        String[] names = {"id", "name", "price", "day", "at", "active", "note", "twice"};
        for (int i = 0; i < names.length; i++) {
            header.createCell(i).setCellValue(names[i]);
        }
        header.createCell(9).setBlank(); // a styled blank cell right of the last name does not widen the records

        Row first = sheet.createRow(2);
        first.createCell(0).setCellValue(1);
        first.createCell(1).setCellValue("Ålesund 日本 القاهرة");
        first.createCell(2).setCellValue(12.5);
        cell(first, 3, isoDate).setCellValue(LocalDate.of(2024, 5, 31));
        cell(first, 4, timestamp).setCellValue(LocalDateTime.of(2024, 5, 31, 12, 30, 15, 250_000_000));
        first.createCell(5).setCellValue(true);
        // column 6 (note) has no cell
        first.createCell(7).setCellFormula("A3*2");

        Row second = sheet.createRow(3);
        second.createCell(0).setCellValue(2);
        second.createCell(1).setCellValue("comma, \"quote\"\nnew line");
        cell(second, 2, percent).setCellValue(0.25);
        cell(second, 3, usDate).setCellValue(LocalDate.of(1999, 12, 31));
        cell(second, 4, time).setCellValue(0.5);
        second.createCell(5).setCellValue(false);
        second.createCell(6).setCellValue("");
        second.createCell(7).setCellFormula("1/0");

        // row 5 is missing (a gap); row 6 has blank cells only but an id
        Row sparse = sheet.createRow(5);
        sparse.createCell(0).setCellValue(4);
        sparse.createCell(3).setBlank();

        Row numbers = sheet.createRow(6);
        numbers.createCell(0).setCellValue(123_456_789_012L);
        numbers.createCell(1).setCellValue(3.0);
        numbers.createCell(2).setCellValue(-0.1);
        numbers.createCell(3).setCellValue(1e-9);
        numbers.createCell(4).setCellValue(1e21);
        numbers.createCell(5).setCellValue(2.5e-5);
        numbers.createCell(6).setCellValue(42.53176);
        numbers.createCell(7).setCellValue(-7);

        workbook.getCreationHelper().createFormulaEvaluator().evaluateAll();
    }

    private static Cell cell(Row row, int column, CellStyle style) {
        Cell cell = row.createCell(column);
        cell.setCellStyle(style);
        return cell;
    }

    private static final List<List<String>> TYPED_RECORDS = List.of(
            record("id", "name", "price", "day", "at", "active", "note", "twice"),
            record("1", "Ålesund 日本 القاهرة", "12.5", "2024-05-31", "2024-05-31T12:30:15.25", "true", null, "2"),
            record("2", "comma, \"quote\"\nnew line", "0.25", "1999-12-31", "12:00:00", "false", "", "#DIV/0!"),
            record("4", null, null, null, null, null, null, null),
            record("123456789012", "3", "-0.1", "1.0E-9", "1.0E21", "0.000025", "42.53176", "-7"));

    private Path save(Workbook workbook, String name) throws IOException {
        Path file = this.dir.resolve(name);
        try (workbook; OutputStream out = Files.newOutputStream(file)) {
            workbook.write(out);
        }
        return file;
    }

    @Test
    void convertsTheFirstSheetOfAnXlsWorkbookWithTypedValues() throws Exception {
        HSSFWorkbook workbook = new HSSFWorkbook();
        fillTypedSheet(workbook);
        Path xls = save(workbook, "typed.xls");

        assertThat(records(text(this.spreadsheets.toCsv(xls)))).isEqualTo(TYPED_RECORDS);
        assertThat(awaitClosed(xls)).as("closed once read").isZero();
    }

    @Test
    void convertsTheFirstSheetOfAnXlsxWorkbookWithSharedStringsAsAStream() throws Exception {
        XSSFWorkbook workbook = new XSSFWorkbook();
        fillTypedSheet(workbook);
        Path xlsx = save(workbook, "typed.xlsx");

        String csv = text(this.spreadsheets.toCsv(xlsx));
        assertThat(records(csv)).isEqualTo(TYPED_RECORDS);
        // absent values are empty unquoted fields, the empty string is "" (the loader's NULL and '')
        assertThat(csv).contains("\n4,,,,,,,\n").contains(",false,\"\",\"#DIV/0!\"\n");
        assertThat(awaitClosed(xlsx)).as("closed once read").isZero();
    }

    @Test
    void tellsTheFormatFromTheContentNotTheName() throws IOException {
        HSSFWorkbook workbook = new HSSFWorkbook();
        fillTypedSheet(workbook);
        Path misnamed = save(workbook, "really-an-xls.xlsx");

        assertThat(records(text(this.spreadsheets.toCsv(misnamed)))).isEqualTo(TYPED_RECORDS);
    }

    @Test
    void writesTypedCellsThatExcelReadsBack() throws Exception {
        List<ExportColumn> columns = List.of(new ExportColumn("id", "int4"), new ExportColumn("big", "int8"),
                new ExportColumn("ratio", "float8"), new ExportColumn("amount", "numeric"), new ExportColumn("ok", "bool"),
                new ExportColumn("day", "date"), new ExportColumn("at", "timestamptz"), new ExportColumn("local_at", "timestamp"),
                new ExportColumn("note", "text"), new ExportColumn("doc", "jsonb"), new ExportColumn("raw", "bytea"),
                new ExportColumn("clock", "time"), new ExportColumn("tags", "_text"));
        List<Object[]> rows = List.of(
                new Object[]{1, 9_007_199_254_740_993L, 0.5, new BigDecimal("12.50"), true, LocalDate.of(2024, 5, 31),
                        OffsetDateTime.of(2024, 6, 1, 8, 30, 15, 500_000_000, ZoneOffset.ofHours(2)),
                        LocalDateTime.of(2024, 6, 1, 8, 30), "日本語, \"quoted\"", Json.of("{\"a\": [1, 2]}"),
                        ByteBuffer.wrap(new byte[]{0x0a, 0x1b, (byte) 0xff}), LocalTime.of(12, 30, 15), new String[]{"a", "b c"}},
                new Object[]{-2, 42L, Double.NaN, new BigDecimal("0.1000000000000000000001"), false, LocalDate.of(1850, 1, 1),
                        null, null, "", null, null, null, null},
                new Object[]{null, null, null, null, null, null, null, null, null, null, null, null, null});
        Path target = this.dir.resolve("typed-export.xlsx");

        Long written = this.spreadsheets.write(columns, Flux.fromIterable(rows), target).block(TIMEOUT);

        assertThat(written).isEqualTo(3);
        try (XSSFWorkbook workbook = new XSSFWorkbook(target.toFile())) {
            Sheet sheet = workbook.getSheetAt(0);
            assertThat(sheet.getSheetName()).isEqualTo("Sheet1");
            assertThat(sheet.getRow(0).getCell(12).getStringCellValue()).isEqualTo("tags");
            Row first = sheet.getRow(1);
            assertThat(first.getCell(0).getNumericCellValue()).isEqualTo(1.0);
            assertThat(first.getCell(1).getCellType()).as("beyond 2^53: text").isEqualTo(CellType.STRING);
            assertThat(first.getCell(3).getNumericCellValue()).isEqualTo(12.5);
            assertThat(first.getCell(4).getBooleanCellValue()).isTrue();
            assertThat(first.getCell(5).getLocalDateTimeCellValue()).isEqualTo(LocalDateTime.of(2024, 5, 31, 0, 0));
            assertThat(first.getCell(5).getCellStyle().getDataFormatString()).isEqualTo("yyyy-mm-dd");
            assertThat(first.getCell(6).getLocalDateTimeCellValue()).as("in UTC").isEqualTo(LocalDateTime.of(2024, 6, 1, 6, 30, 15, 500_000_000));
            assertThat(first.getCell(6).getCellStyle().getDataFormatString()).isEqualTo("yyyy-mm-dd hh:mm:ss.000");
            assertThat(first.getCell(10).getStringCellValue()).isEqualTo("\\x0a1bff");
            Row second = sheet.getRow(2);
            assertThat(second.getCell(2).getStringCellValue()).isEqualTo("NaN");
            assertThat(second.getCell(3).getStringCellValue()).as("more digits than a double").isEqualTo("0.1000000000000000000001");
            assertThat(second.getCell(5).getStringCellValue()).as("before 1900").isEqualTo("1850-01-01");
            assertThat(second.getCell(6)).as("NULL: no cell").isNull();
            assertThat(sheet.getRow(3).getPhysicalNumberOfCells()).isZero();
        }

        assertThat(records(text(this.spreadsheets.toCsv(target)))).containsExactly(
                record("id", "big", "ratio", "amount", "ok", "day", "at", "local_at", "note", "doc", "raw", "clock", "tags"),
                record("1", "9007199254740993", "0.5", "12.5", "true", "2024-05-31", "2024-06-01T06:30:15.5", "2024-06-01T08:30:00",
                        "日本語, \"quoted\"", "{\"a\": [1, 2]}", "\\x0a1bff", "12:30:15", "[\"a\",\"b c\"]"),
                record("-2", "42", "NaN", "0.1000000000000000000001", "false", "1850-01-01", null, null, "", null, null, null, null),
                record(null, null, null, null, null, null, null, null, null, null, null, null, null));
    }

    @Test
    void rejectsAFileThatIsNotASpreadsheetNamingIt() throws IOException {
        Path csv = Files.writeString(this.dir.resolve("cities.xlsx"), "name,lat\nVila,42.5\n");

        LoadException error = loadFailure(this.spreadsheets.toCsv(csv));

        assertThat(error.getSource()).isEqualTo("cities.xlsx");
        assertThat(error.getMessage()).startsWith("the file is not an XLS or XLSX spreadsheet").contains("(cities.xlsx)");
    }

    @Test
    void rejectsAnEmptyOrTinyFile() throws IOException {
        Path empty = Files.createFile(this.dir.resolve("empty.xls"));
        Path tiny = Files.writeString(this.dir.resolve("tiny.xlsx"), "PK");

        assertThat(loadFailure(this.spreadsheets.toCsv(empty)).getMessage()).startsWith("the file is not an XLS or XLSX spreadsheet");
        assertThat(loadFailure(this.spreadsheets.toCsv(tiny)).getMessage()).startsWith("the file is not an XLS or XLSX spreadsheet");
    }

    @Test
    void rejectsAnOle2FileWithoutAWorkbook() throws Exception {
        Path document = this.dir.resolve("letter.xls");
        try (POIFSFileSystem filesystem = new POIFSFileSystem()) {
            filesystem.createDocument(new java.io.ByteArrayInputStream(new byte[600]), "WordDocument");
            try (OutputStream out = Files.newOutputStream(document)) {
                filesystem.writeFilesystem(out);
            }
        }

        LoadException error = loadFailure(this.spreadsheets.toCsv(document));

        assertThat(error.getMessage()).startsWith("the file is not a readable XLS spreadsheet (an OLE2 file without a valid workbook")
                .endsWith("(letter.xls)");
        assertThat(awaitClosed(document)).isZero();
    }

    @Test
    void rejectsAZipArchiveWithoutAWorkbook() throws IOException {
        Path zip = this.dir.resolve("archive.xlsx");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            out.write("not a workbook".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        LoadException error = loadFailure(this.spreadsheets.toCsv(zip));

        assertThat(error.getMessage()).startsWith("the file is not a readable XLSX spreadsheet").contains("(archive.xlsx)");
    }

    @Test
    void rejectsATruncatedXlsx() throws IOException {
        XSSFWorkbook workbook = new XSSFWorkbook();
        fillTypedSheet(workbook);
        Path whole = save(workbook, "whole.xlsx");
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = Files.write(this.dir.resolve("truncated.xlsx"), Arrays.copyOf(bytes, bytes.length / 2));

        LoadException error = loadFailure(this.spreadsheets.toCsv(truncated));

        assertThat(error.getSource()).isEqualTo("truncated.xlsx");
        assertThat(error.getMessage()).contains("truncated.xlsx");
    }

    @Test
    void rejectsAPasswordProtectedXlsx() throws Exception {
        Path encrypted = this.dir.resolve("secret.xlsx");
        try (POIFSFileSystem filesystem = new POIFSFileSystem()) {
            EncryptionInfo info = new EncryptionInfo(EncryptionMode.agile);
            Encryptor encryptor = info.getEncryptor();
            encryptor.confirmPassword("correct horse");
            try (XSSFWorkbook workbook = new XSSFWorkbook(); OutputStream out = encryptor.getDataStream(filesystem)) {
                workbook.createSheet().createRow(0).createCell(0).setCellValue("hidden");
                workbook.write(out);
            }
            try (OutputStream out = Files.newOutputStream(encrypted)) {
                filesystem.writeFilesystem(out);
            }
        }

        LoadException error = loadFailure(this.spreadsheets.toCsv(encrypted));

        assertThat(error.getMessage()).startsWith("the spreadsheet is encrypted (password-protected)").contains("(secret.xlsx)");
    }

    @Test
    void rejectsAPasswordProtectedXls() throws IOException {
        Path encrypted = this.dir.resolve("secret.xls");
        Biff8EncryptionKey.setCurrentUserPassword("correct horse");
        try (HSSFWorkbook workbook = new HSSFWorkbook(); OutputStream out = Files.newOutputStream(encrypted)) {
            workbook.createSheet().createRow(0).createCell(0).setCellValue("hidden");
            workbook.write(out);
        } finally {
            Biff8EncryptionKey.setCurrentUserPassword(null);
        }

        LoadException error = loadFailure(this.spreadsheets.toCsv(encrypted));

        assertThat(error.getMessage()).startsWith("the spreadsheet is encrypted (password-protected)").contains("(secret.xls)");
    }

    @Test
    void rejectsAValueRightOfTheHeaderNamingTheCell() throws IOException {
        XSSFWorkbook workbook = new XSSFWorkbook();
        Sheet sheet = workbook.createSheet();
        Row header = sheet.createRow(0);
        header.createCell(0).setCellValue("a");
        header.createCell(1).setCellValue("b");
        Row data = sheet.createRow(1);
        data.createCell(0).setCellValue(1);
        Row wide = sheet.createRow(2);
        wide.createCell(0).setCellValue(2);
        wide.createCell(3).setCellValue("stray");
        Path xlsx = save(workbook, "wide.xlsx");

        LoadException error = loadFailure(this.spreadsheets.toCsv(xlsx));

        assertThat(error.getLine()).isEqualTo(3);
        assertThat(error.getColumn()).isEqualTo("D");
        assertThat(error.getMessage()).startsWith("cell D3 has a value right of the first row's last value (column B)")
                .endsWith("(wide.xlsx, line 3, column 'D')");
    }

    @Test
    void failsAnExportWhoseTextDoesNotFitACellAndLeavesNoFileBehind() throws IOException {
        Path target = this.dir.resolve("long.xlsx");
        List<ExportColumn> columns = List.of(new ExportColumn("id", "int4"), new ExportColumn("essay", "text"));

        assertThatThrownBy(() -> this.spreadsheets.write(columns,
                        Flux.just(new Object[]{1, "short"}, new Object[]{2, "x".repeat(40_000)}), target).block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 2, column 'essay': a text of 40000 characters is longer than an XLSX cell holds (32767)");
        assertThat(FormatTestFiles.fileNames(this.dir)).isEmpty();
    }

    @Test
    void keepsTheTargetWhenAnExportIsCancelled() throws Exception {
        Path target = Files.writeString(this.dir.resolve("kept.xlsx"), "the previous export");
        AtomicLong requested = new AtomicLong();
        Flux<Object[]> endless = Flux.range(1, 1_000).map(i -> new Object[]{i}).concatWith(Flux.never())
                .doOnRequest(requested::addAndGet);

        StepVerifier.create(this.spreadsheets.write(List.of(new ExportColumn("n", "int4")), endless, target))
                .expectSubscription()
                .then(() -> await(() -> requested.get() >= 1_000))
                .thenCancel()
                .verify(TIMEOUT);

        assertThat(awaitFiles(this.dir, List.of("kept.xlsx"))).containsExactly("kept.xlsx");
        assertThat(Files.readString(target)).isEqualTo("the previous export");
        assertThat(requested.get()).as("rows taken with a bounded prefetch").isLessThan(1_000 + 2L * ExportFileFormat.PREFETCH);
    }

    @Test
    void closesTheWorkbookWhenTheConversionIsCancelled() throws Exception {
        Path big = this.dir.resolve("big.xlsx");
        this.spreadsheets.write(List.of(new ExportColumn("n", "int4"), new ExportColumn("label", "text")),
                Flux.range(1, 30_000).map(i -> new Object[]{i, "row number " + i + " of a sheet too long for one chunk"}),
                big).block(TIMEOUT);

        StepVerifier.create(this.spreadsheets.toCsv(big), 1)
                .expectNextCount(1)
                .then(() -> assertThat(openDescriptors(big)).as("the file is open while it is read").isPositive())
                .thenCancel()
                .verify(TIMEOUT);

        assertThat(awaitClosed(big)).isZero();
    }

    @Test
    void writesNumbersAsExcelStoresThemAndTellsDateFormats() {
        assertThat(SpreadsheetFiles.numberText(3.0)).isEqualTo("3");
        assertThat(SpreadsheetFiles.numberText(-0.0)).isEqualTo("0");
        assertThat(SpreadsheetFiles.numberText(1e15 + 0.5)).isEqualTo("1000000000000000.5");
        assertThat(SpreadsheetFiles.numberText(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(SpreadsheetFiles.formatShows("[$-409]mmmm d, yyyy", "yYdD")).isTrue();
        assertThat(SpreadsheetFiles.formatShows("[Red]0.00", "yYdD")).isFalse();
        assertThat(SpreadsheetFiles.formatShows("[h]:mm", "hHsS")).isTrue();
        assertThat(SpreadsheetFiles.formatShows("\"day\" 0", "yYdD")).isFalse();
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

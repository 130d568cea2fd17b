package dev.tributary.emulator.platform;

import dev.tributary.sql.load.DataFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which file formats the emulator imports and exports, and through what: CSV and JSON (an array or
 * NDJSON) natively, through the SDK's bulk loader and exporter; other formats through an
 * {@link ImportConverter} registered for the file's extension (its CSV output is loaded like an
 * uploaded CSV) and an {@link ExportWriter} registered for the export format. A format without a
 * converter or writer fails its job with {@code error_type} {@code UnsupportedFileFormat: <ext>} or
 * {@code UnsupportedExportFormat: <format>}. Immutable.
 * <p>
 * The converters and writers of the spreadsheet, SQLite and Parquet formats are wired in
 * {@link #builtIn()}.
 */
final class FileFormats {

    /** A registered writer and how its files are served. */
    record ExportTarget(ExportWriter writer, String extension, String contentType) {
    }

    /** Export formats the API accepts ({@code export_format}). */
    static final Set<String> EXPORT_FORMATS = Set.of("csv", "json", "xls", "parquet");

    private static final Set<String> NATIVE_IMPORTS = Set.of("csv", "json", "ndjson");

    private static final Map<String, String> ALIASES = Map.of("jsonl", "ndjson", "db", "sqlite", "sqlite3", "sqlite", "txt", "csv");

    private static final byte[] PARQUET = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SQLITE = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OLE2 = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1};
    private static final byte[] ZIP = {'P', 'K', 3, 4};
    private static final byte[] GZIP = {0x1F, (byte) 0x8B};

    private final Map<String, ImportConverter> converters;
    private final Map<String, ExportTarget> writers;

    private FileFormats(Map<String, ImportConverter> converters, Map<String, ExportTarget> writers) {
        this.converters = Map.copyOf(converters);
        this.writers = Map.copyOf(writers);
    }

    /**
     * CSV and JSON only, loaded and exported by the SDK itself; every other format fails its job.
     *
     * @return the registry
     */
    static FileFormats nativeOnly() {
        return new FileFormats(Map.of(), Map.of());
    }

    /**
     * The formats the emulator ships with: CSV and JSON natively; XLS and XLSX (Apache POI), SQLite
     * (sqlite-jdbc) and Parquet (parquet-java) imports through their converters; {@code xls}
     * exports written as XLSX and {@code parquet} exports through their writers.
     *
     * @return the registry
     */
    static FileFormats builtIn() {
        SpreadsheetFiles spreadsheets = new SpreadsheetFiles();
        ParquetFiles parquet = new ParquetFiles();
        return nativeOnly()
                .withImportConverter("xlsx", spreadsheets)
                .withImportConverter("xls", spreadsheets)
                .withImportConverter("sqlite", new SqliteFiles())
                .withImportConverter("parquet", parquet)
                .withExportWriter("xls", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", spreadsheets)
                .withExportWriter("parquet", "parquet", "application/vnd.apache.parquet", parquet);
    }

    /**
     * @param extension the file extension, without or with the dot ({@code xlsx}, {@code .sqlite});
     *                  {@code db} and {@code sqlite3} are {@code sqlite}
     * @param converter reads such files as CSV
     * @return a copy with the converter (replacing one for the same extension)
     */
    FileFormats withImportConverter(String extension, ImportConverter converter) {
        String ext = canonical(extension);
        if (NATIVE_IMPORTS.contains(ext)) {
            throw new IllegalArgumentException("." + ext + " files are loaded natively; no converter can replace that");
        }
        Map<String, ImportConverter> c = new HashMap<>(this.converters);
        c.put(ext, Objects.requireNonNull(converter, "converter"));
        return new FileFormats(c, this.writers);
    }

    /**
     * @param format      the API's {@code export_format} ({@code xls} or {@code parquet})
     * @param extension   the extension of the files it writes, without the dot ({@code xlsx})
     * @param contentType the files' media type
     * @param writer      writes them
     * @return a copy with the writer (replacing one for the same format)
     */
    FileFormats withExportWriter(String format, String extension, String contentType, ExportWriter writer) {
        String f = format.toLowerCase(Locale.ROOT);
        if (!EXPORT_FORMATS.contains(f) || f.equals("csv") || f.equals("json")) {
            throw new IllegalArgumentException("Writers are registered for the export formats xls and parquet, not '" + format + "'");
        }
        Map<String, ExportTarget> w = new HashMap<>(this.writers);
        w.put(f, new ExportTarget(Objects.requireNonNull(writer, "writer"), canonicalExtension(extension), Objects.requireNonNull(contentType, "contentType")));
        return new FileFormats(this.converters, w);
    }

    /** @return the converter for a canonical extension, or {@code null} */
    ImportConverter importConverter(String extension) {
        return this.converters.get(extension);
    }

    /** @return the writer of an export format, or {@code null} */
    ExportTarget exportWriter(String format) {
        return this.writers.get(format);
    }

    /** @return the SDK's format for a natively loaded canonical extension, or {@code null} */
    static DataFormat nativeFormat(String extension) {
        switch (extension) {
            case "csv":
                return DataFormat.CSV;
            case "json":
                return DataFormat.JSON;
            case "ndjson":
                return DataFormat.NDJSON;
            default:
                return null;
        }
    }

    /**
     * Tells a file's format: from its name's extension when that is one the emulator knows (a native
     * one, a registered one, or {@code xls}, {@code xlsx}, {@code sqlite}, {@code db}, {@code parquet}),
     * otherwise from its first bytes (clients often name the upload after the table: the platform's
     * Python SDK does): Parquet, SQLite, OLE2 (XLS) and ZIP (XLSX) signatures, gzip, then JSON when
     * the first character is {@code [} or <code>{</code>, else CSV. Blocking: call it on a
     * bounded-elastic thread.
     *
     * @param file     the file
     * @param fileName the name the client gave it, or {@code null}
     * @return a canonical extension ({@code csv}, {@code json}, {@code ndjson}, {@code xlsx}, ...)
     * @throws IOException when the file cannot be read
     */
    String detect(Path file, String fileName) throws IOException {
        String ext = extensionOf(fileName);
        if (ext != null && (NATIVE_IMPORTS.contains(ext) || this.converters.containsKey(ext)
                || Set.of("xls", "xlsx", "sqlite", "parquet").contains(ext))) {
            return ext;
        }
        byte[] head = new byte[4096];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        byte[] start = Arrays.copyOf(head, n);
        if (startsWith(start, PARQUET)) {
            return "parquet";
        }
        if (startsWith(start, SQLITE)) {
            return "sqlite";
        }
        if (startsWith(start, OLE2)) {
            return "xls";
        }
        if (startsWith(start, ZIP)) {
            return "xlsx";
        }
        if (startsWith(start, GZIP)) {
            return "gz";
        }
        int i = start.length >= 3 && (start[0] & 0xff) == 0xEF && (start[1] & 0xff) == 0xBB && (start[2] & 0xff) == 0xBF ? 3 : 0;
        while (i < start.length && Character.isWhitespace(start[i])) {
            i++;
        }
        if (i < start.length && (start[i] == '[' || start[i] == '{')) {
            return "json";
        }
        return ext != null ? ext : "csv";
    }

    private static String extensionOf(String fileName) {
        if (fileName == null) {
            return null;
        }
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? null : canonical(name.substring(dot + 1));
    }

    private static String canonical(String extension) {
        String ext = canonicalExtension(extension);
        return ALIASES.getOrDefault(ext, ext);
    }

    private static String canonicalExtension(String extension) {
        Objects.requireNonNull(extension, "extension");
        String ext = (extension.startsWith(".") ? extension.substring(1) : extension).toLowerCase(Locale.ROOT);
        if (ext.isEmpty()) {
            throw new IllegalArgumentException("extension must not be empty");
        }
        return ext;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}

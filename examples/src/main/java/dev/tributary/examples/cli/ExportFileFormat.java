package dev.tributary.examples.cli;

import dev.tributary.http.platform.ExportFormat;
import dev.tributary.sql.load.DataFormat;

import java.util.Locale;

/**
 * The formats {@code tributary export} writes: CSV, JSON and NDJSON over R2DBC (the SDK's
 * exporter), CSV, JSON, XLS and Parquet on the platform (an export job).
 */
enum ExportFileFormat {

    /** CSV with a header line; both paths. */
    CSV(DataFormat.CSV, ExportFormat.CSV),

    /** A JSON array of objects; both paths. */
    JSON(DataFormat.JSON, ExportFormat.JSON),

    /** One JSON object per line; R2DBC only. */
    NDJSON(DataFormat.NDJSON, null),

    /** An Excel workbook; platform only. */
    XLS(null, ExportFormat.XLS),

    /** Apache Parquet; platform only. */
    PARQUET(null, ExportFormat.PARQUET);

    private final DataFormat r2dbc;
    private final ExportFormat platform;

    ExportFileFormat(DataFormat r2dbc, ExportFormat platform) {
        this.r2dbc = r2dbc;
        this.platform = platform;
    }

    /** @return the SDK exporter's format, or {@code null} when only the platform writes this one */
    DataFormat r2dbc() {
        return this.r2dbc;
    }

    /** @return the platform's format, or {@code null} when only the SDK's exporter writes this one */
    ExportFormat platform() {
        return this.platform;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

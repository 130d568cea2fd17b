package dev.tributary.http.platform;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The file formats of an export job ({@code export_format}).
 */
public enum ExportFormat {
    /** RFC 4180 comma-separated values with a header row. */
    CSV,
    /** A JSON array of objects, one per row. */
    JSON,
    /** An Excel workbook (the service's {@code xls}; the emulator writes Office Open XML). */
    XLS,
    /** Apache Parquet. */
    PARQUET;

    /**
     * @return the API's name: {@code csv}, {@code json}, {@code xls} or {@code parquet}
     */
    @JsonValue
    public String apiValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value {@code csv}, {@code json}, {@code xls} or {@code parquet} (case-insensitive)
     * @return the format
     * @throws IllegalArgumentException for any other value, naming the accepted ones
     */
    @JsonCreator
    public static ExportFormat fromApiValue(String value) {
        for (ExportFormat format : values()) {
            if (format.apiValue().equalsIgnoreCase(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("export_format must be one of csv, json, xls, parquet; was '" + value + "'");
    }
}

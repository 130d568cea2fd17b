package dev.tributary.sql.load;

import java.util.Locale;

/**
 * Formats of bulk load sources and exports.
 */
public enum DataFormat {

    /** RFC 4180 comma-separated values, UTF-8 (a leading byte order mark is skipped). */
    CSV,

    /** A JSON array of objects, one object per row (a load also accepts NDJSON under this format). */
    JSON,

    /** Newline-delimited JSON: one object per line (blank lines are skipped; a load also accepts a JSON array). */
    NDJSON;

    /**
     * Guesses the format from a file name's extension: {@code .csv}, {@code .json},
     * {@code .ndjson} or {@code .jsonl} (case-insensitive).
     *
     * @param fileName a file name or path
     * @return the format
     * @throws IllegalArgumentException if the extension is none of those
     */
    public static DataFormat fromFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return CSV;
        }
        if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) {
            return NDJSON;
        }
        if (lower.endsWith(".json")) {
            return JSON;
        }
        throw new IllegalArgumentException("Cannot tell the format of '" + fileName
                + "' from its extension (expected .csv, .json, .ndjson or .jsonl); set the format explicitly");
    }
}

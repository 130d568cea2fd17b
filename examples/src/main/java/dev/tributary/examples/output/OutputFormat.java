package dev.tributary.examples.output;

/**
 * How query results are written.
 */
public enum OutputFormat {

    /** An aligned text table for people ({@link TextTable}); rows are kept until the end to size the columns. */
    TABLE,

    /** RFC 4180 CSV with a header line (Jackson CSV), written row by row. */
    CSV,

    /** A JSON array of objects, one per row (Jackson), written row by row. */
    JSON
}

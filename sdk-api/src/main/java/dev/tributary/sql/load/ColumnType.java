package dev.tributary.sql.load;

/**
 * Column types a bulk load infers from the data, from the narrowest to the widest. A column's
 * type is the narrowest one every non-empty value of the column parses as; a column with
 * values of different kinds is {@link #TEXT}, and so is a column without any value.
 * <p>
 * Inference is conservative, so that nothing is lost by typing: a number with leading zeros
 * ({@code 007}, a code) or a leading {@code +} ({@code +41}, a phone prefix), or with
 * surrounding spaces, is text. In JSON sources, numbers and booleans type a field by themselves
 * (a string there must parse as the same type, {@code "66"} in a field of numbers is fine,
 * {@code "two"} is an error), objects and arrays make it {@link #JSONB}, and strings alone are
 * inferred like CSV values. Empty values load as SQL {@code NULL} (in text columns an empty JSON
 * string or a quoted empty CSV field {@code ""} stays an empty string).
 */
public enum ColumnType {

    /** 64-bit integers ({@code -9223372036854775808 .. 9223372036854775807}), without leading zeros or {@code +}. */
    BIGINT("bigint"),

    /** IEEE 754 doubles: decimal numbers ({@code 0.5}, not {@code .5}), exponents, {@code NaN}, {@code Infinity}. */
    DOUBLE_PRECISION("double precision"),

    /** {@code true} / {@code false} (case-insensitive). */
    BOOLEAN("boolean"),

    /** ISO 8601 dates, {@code 2024-05-31}. */
    DATE("date"),

    /**
     * ISO 8601 date-times, {@code 2024-05-31T12:00:00Z} or {@code 2024-05-31 12:00:00.5+02} (a space
     * for the {@code T}, seconds and fraction optional, offset {@code Z}, {@code ±HH}, {@code ±HH:mm});
     * without an offset, UTC (not the session's time zone). A column of dates and date-times is this type.
     */
    TIMESTAMPTZ("timestamptz"),

    /** JSON objects and arrays (from JSON sources; a field that holds any is {@code jsonb} throughout). */
    JSONB("jsonb"),

    /** Anything else. */
    TEXT("text");

    private final String sqlName;

    ColumnType(String sqlName) {
        this.sqlName = sqlName;
    }

    /**
     * @return the PostgreSQL type name used in {@code CREATE TABLE}
     */
    public String sqlName() {
        return this.sqlName;
    }
}

package dev.tributary.sql.load;

/**
 * Column types a bulk load infers from the data, from the narrowest to the widest. A column's
 * type is the narrowest one every non-empty value of the column parses as; a column with
 * values of different kinds is {@link #TEXT}.
 */
public enum ColumnType {

    /** 64-bit integers ({@code -9223372036854775808 .. 9223372036854775807}). */
    BIGINT("bigint"),

    /** IEEE 754 doubles: decimal numbers, exponents, {@code NaN}, {@code Infinity}. */
    DOUBLE_PRECISION("double precision"),

    /** {@code true} / {@code false} (case-insensitive). */
    BOOLEAN("boolean"),

    /** ISO 8601 dates, {@code 2024-05-31}. */
    DATE("date"),

    /** ISO 8601 date-times with an offset or {@code Z}, {@code 2024-05-31T12:00:00Z}; without one, UTC. */
    TIMESTAMPTZ("timestamptz"),

    /** JSON objects and arrays (from JSON sources). */
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

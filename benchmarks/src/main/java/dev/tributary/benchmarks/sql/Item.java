package dev.tributary.benchmarks.sql;

import io.r2dbc.spi.Row;

import java.time.OffsetDateTime;

/**
 * A row of the benchmark table {@code items}: six columns of the common types.
 *
 * @param id      the primary key
 * @param name    text
 * @param score   int
 * @param amount  double precision
 * @param created timestamptz
 * @param flag    boolean
 */
public record Item(long id, String name, int score, double amount, OffsetDateTime created, boolean flag) {

    /** The columns, in the order of the record's components. */
    static final String COLUMNS = "id, name, score, amount, created, flag";

    /**
     * The same hand-written mapping for every R2DBC contender (by index, the driver's own types).
     *
     * @param row an R2DBC row of {@link #COLUMNS}
     * @return the item
     */
    static Item of(Row row) {
        return new Item(row.get(0, Long.class), row.get(1, String.class), row.get(2, Integer.class), row.get(3, Double.class),
                row.get(4, OffsetDateTime.class), row.get(5, Boolean.class));
    }

    /**
     * @return a value that depends on every field, for consumers that must not be optimized away
     */
    long digest() {
        return this.id ^ this.name.length() ^ this.score ^ Double.doubleToRawLongBits(this.amount) ^ this.created.getSecond()
                ^ (this.flag ? 1 : 0);
    }
}

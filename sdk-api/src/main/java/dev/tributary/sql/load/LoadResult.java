package dev.tributary.sql.load;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a successful bulk load.
 *
 * @param table        the table, schema-qualified ({@code public.airports})
 * @param rows         rows loaded
 * @param tableCreated whether the load created the table
 * @param columns      the columns written, in source order
 * @param elapsed      wall-clock time of the load, from subscription (before the first byte is read) to the commit
 */
public record LoadResult(String table, long rows, boolean tableCreated, List<LoadedColumn> columns, Duration elapsed) {

    /**
     * Copies {@code columns}.
     */
    public LoadResult {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        Objects.requireNonNull(elapsed, "elapsed");
    }
}

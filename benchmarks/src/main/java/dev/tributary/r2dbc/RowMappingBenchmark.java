package dev.tributary.r2dbc;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Row mapping, per row: Tributary's {@code mapTo(Record.class)} mapper (by column name, through the
 * canonical constructor), its {@code fetch()} map, and the hand-written lambda every other client
 * needs. In the package of the (package-private) mapper it measures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RowMappingBenchmark {

    /** The six columns of the whole-run benchmarks' {@code items}. */
    public record ItemRow(long id, String name, int score, double amount, OffsetDateTime created, boolean flag) {
    }

    private final ArrayRow row = new ArrayRow(new String[] {"id", "name", "score", "amount", "created", "flag"},
            new Object[] {42L, "item-42", 42, 10.5, OffsetDateTime.of(2024, 1, 1, 0, 0, 42, 0, ZoneOffset.UTC), true});
    private final BiFunction<io.r2dbc.spi.Row, io.r2dbc.spi.RowMetadata, ItemRow> mapper = RowMapping.to(ItemRow.class);

    @Benchmark
    public ItemRow handWrittenByName() {
        return new ItemRow(this.row.get("id", Long.class), this.row.get("name", String.class), this.row.get("score", Integer.class),
                this.row.get("amount", Double.class), this.row.get("created", OffsetDateTime.class), this.row.get("flag", Boolean.class));
    }

    @Benchmark
    public ItemRow tributaryMapToRecord() {
        return this.mapper.apply(this.row, this.row);
    }

    @Benchmark
    public Map<String, Object> tributaryFetchAsMap() {
        return RowMapping.toMap(this.row, this.row);
    }
}

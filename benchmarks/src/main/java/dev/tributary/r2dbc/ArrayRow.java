package dev.tributary.r2dbc;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Type;

import java.util.Arrays;
import java.util.List;

/**
 * An in-memory row of the micro-benchmarks: values by index, columns looked up by name the way
 * r2dbc-postgresql does (exact, then case-insensitive), so the measured cost is the mapper's.
 */
final class ArrayRow implements Row, RowMetadata {

    private final String[] names;
    private final Object[] values;
    private final List<ColumnMetadata> columns;

    ArrayRow(String[] names, Object[] values) {
        this.names = names;
        this.values = values;
        this.columns = Arrays.stream(names).map(Column::new).map(ColumnMetadata.class::cast).toList();
    }

    private record Column(String getName) implements ColumnMetadata {
        @Override
        public Type getType() {
            throw new UnsupportedOperationException("no types in the micro-benchmark");
        }
    }

    private int index(String name) {
        for (int i = 0; i < this.names.length; i++) {
            if (this.names[i].equals(name)) {
                return i;
            }
        }
        for (int i = 0; i < this.names.length; i++) {
            if (this.names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new java.util.NoSuchElementException("no column " + name);
    }

    @Override
    public RowMetadata getMetadata() {
        return this;
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        return type.cast(this.values[index]);
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        return type.cast(this.values[index(name)]);
    }

    @Override
    public ColumnMetadata getColumnMetadata(int index) {
        return this.columns.get(index);
    }

    @Override
    public ColumnMetadata getColumnMetadata(String name) {
        return this.columns.get(index(name));
    }

    @Override
    public List<? extends ColumnMetadata> getColumnMetadatas() {
        return this.columns;
    }

    @Override
    public boolean contains(String name) {
        for (String n : this.names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}

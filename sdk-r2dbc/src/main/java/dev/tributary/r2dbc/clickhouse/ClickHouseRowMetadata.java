package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.RowMetadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The columns of a result, 0-based as the R2DBC SPI counts them; names are looked up
 * case-insensitively (an exact match first, then the first column whose name equals ignoring case).
 */
public final class ClickHouseRowMetadata implements RowMetadata {

    private final List<ClickHouseColumnMetadata> columns;
    private final Map<String, Integer> exact = new HashMap<>();
    private final Map<String, Integer> folded = new HashMap<>();

    ClickHouseRowMetadata(List<String> names, List<ClickHouseType> types) {
        if (names.size() != types.size()) {
            throw new IllegalArgumentException(names.size() + " column names but " + types.size() + " types");
        }
        List<ClickHouseColumnMetadata> list = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            list.add(new ClickHouseColumnMetadata(names.get(i), types.get(i)));
            exact.putIfAbsent(names.get(i), i);
            folded.putIfAbsent(names.get(i).toLowerCase(Locale.ROOT), i);
        }
        this.columns = Collections.unmodifiableList(list);
    }

    /** @return the number of columns */
    int size() {
        return columns.size();
    }

    /**
     * @param name a column name, any case
     * @return its 0-based index, or -1
     */
    int indexOf(String name) {
        Integer index = exact.get(name);
        if (index == null) {
            index = folded.get(name.toLowerCase(Locale.ROOT));
        }
        return index == null ? -1 : index;
    }

    /**
     * @param name a column name, any case
     * @return its 0-based index
     * @throws NoSuchElementException naming the column and the columns there are
     */
    int requireIndex(String name) {
        if (name == null) {
            throw new IllegalArgumentException("column name must not be null");
        }
        int index = indexOf(name);
        if (index < 0) {
            throw new NoSuchElementException("No column '" + name + "' in the result; columns: " + columnNames());
        }
        return index;
    }

    private List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.size());
        columns.forEach(c -> names.add(c.getName()));
        return names;
    }

    /**
     * @throws IndexOutOfBoundsException when {@code index} is not 0..n-1
     */
    @Override
    public ClickHouseColumnMetadata getColumnMetadata(int index) {
        if (index < 0 || index >= columns.size()) {
            throw new IndexOutOfBoundsException("Column index " + index + " out of 0.." + (columns.size() - 1));
        }
        return columns.get(index);
    }

    /**
     * @throws NoSuchElementException when there is no such column
     */
    @Override
    public ClickHouseColumnMetadata getColumnMetadata(String name) {
        return columns.get(requireIndex(name));
    }

    @Override
    public List<ClickHouseColumnMetadata> getColumnMetadatas() {
        return columns;
    }

    @Override
    public boolean contains(String columnName) {
        return columnName != null && indexOf(columnName) >= 0;
    }

    @Override
    public String toString() {
        return "ClickHouseRowMetadata" + columns;
    }
}

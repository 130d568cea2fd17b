package dev.tributary.http.bitbucket.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Bitbucket resource seen as rows: a name ({@code issues}), ordered {@link Column columns} and
 * the key column that identifies a row ({@code id} for issues). Immutable; see
 * {@link BitbucketTables} for the tables of every resource.
 *
 * <pre>{@code
 * Table<Issue> issues = BitbucketTables.issues();
 * Flux<Map<String, Object>> rows = client.issues("acme", "app").list().map(issues::row);
 * }</pre>
 *
 * @param <T> the item type (a model of {@code dev.tributary.http.bitbucket})
 */
public final class Table<T> {

    private final String name;
    private final String key;
    private final List<Column<T>> columns;

    Table(String name, String key, List<Column<T>> columns) {
        this.name = Objects.requireNonNull(name, "name");
        this.key = Objects.requireNonNull(key, "key");
        this.columns = List.copyOf(columns);
        if (this.columns.isEmpty()) {
            throw new IllegalArgumentException("a table needs columns");
        }
        List<String> names = new ArrayList<>();
        for (Column<T> column : this.columns) {
            if (names.contains(column.name())) {
                throw new IllegalArgumentException("column " + column.name() + " twice in " + name);
            }
            names.add(column.name());
        }
        if (!names.contains(key)) {
            throw new IllegalArgumentException("key column " + key + " is not a column of " + name);
        }
    }

    /** @return the table's name, snake_case ({@code issues}, {@code pull_requests}) */
    public String name() {
        return this.name;
    }

    /** @return the name of the column that identifies a row (unique within one repository or workspace) */
    public String key() {
        return this.key;
    }

    /** @return the columns, in order */
    public List<Column<T>> columns() {
        return this.columns;
    }

    /** @return the column names, in order */
    public List<String> columnNames() {
        List<String> names = new ArrayList<>(this.columns.size());
        for (Column<T> column : this.columns) {
            names.add(column.name());
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * @param columnName a column name
     * @return that column
     * @throws IllegalArgumentException naming the table's columns, if there is none of that name
     */
    public Column<T> column(String columnName) {
        for (Column<T> column : this.columns) {
            if (column.name().equals(columnName)) {
                return column;
            }
        }
        throw new IllegalArgumentException("no column '" + columnName + "' in " + this.name + "; its columns are "
                + columnNames());
    }

    /**
     * @param columnNames the columns to keep, in the order wanted; not empty
     * @return a table of those columns only (the key column need not be among them)
     * @throws IllegalArgumentException for an empty list, or a name that is not a column (naming the columns)
     */
    public Table<T> select(List<String> columnNames) {
        if (columnNames.isEmpty()) {
            throw new IllegalArgumentException("select at least one column of " + this.name + ": " + columnNames());
        }
        List<Column<T>> selected = new ArrayList<>();
        for (String columnName : columnNames) {
            selected.add(column(columnName.strip()));
        }
        String selectedKey = columnNames.contains(this.key) ? this.key : selected.get(0).name();
        return new Table<>(this.name, selectedKey, selected);
    }

    /**
     * @param item the item; not {@code null}
     * @return column name to value, in column order; {@code null} values for what the item lacks
     */
    public Map<String, Object> row(T item) {
        Map<String, Object> row = new LinkedHashMap<>(this.columns.size() * 2);
        for (Column<T> column : this.columns) {
            row.put(column.name(), column.valueOf(item));
        }
        return row;
    }

    /**
     * @param item the item; not {@code null}
     * @return the values, in column order; {@code null} for what the item lacks
     */
    public List<Object> values(T item) {
        List<Object> values = new ArrayList<>(this.columns.size());
        for (Column<T> column : this.columns) {
            values.add(column.valueOf(item));
        }
        return values;
    }

    @Override
    public String toString() {
        return "Table{" + this.name + this.columns + '}';
    }
}

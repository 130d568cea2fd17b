package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.Row;

import java.time.ZoneId;

/**
 * One result row: its raw {@code TabSeparated} fields, decoded on {@link #get(int, Class)} by
 * {@link ClickHouseValues#decode} and converted by {@link ClickHouseValues#convert}. Valid after
 * the mapping function returned too (it holds no buffers).
 */
public final class ClickHouseRow implements Row {

    private final ClickHouseRowMetadata metadata;
    private final String[] fields;
    private final ZoneId serverZone;

    ClickHouseRow(ClickHouseRowMetadata metadata, String[] fields, ZoneId serverZone) {
        if (fields.length != metadata.size()) {
            throw new IllegalStateException("Row with " + fields.length + " fields for " + metadata.size() + " columns "
                    + metadata.getColumnMetadatas());
        }
        this.metadata = metadata;
        this.fields = fields;
        this.serverZone = serverZone;
    }

    @Override
    public ClickHouseRowMetadata getMetadata() {
        return metadata;
    }

    /**
     * @param index 0-based column index
     * @param type  the Java type wanted ({@code Object.class} for the column's default type)
     * @return the value, or {@code null} for SQL NULL
     * @throws IndexOutOfBoundsException for a bad index
     * @throws IllegalArgumentException  when the value cannot be converted to {@code type} (names the column)
     */
    @Override
    public <T> T get(int index, Class<T> type) {
        ClickHouseColumnMetadata column = metadata.getColumnMetadata(index);
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        ClickHouseType columnType = column.getNativeTypeMetadata();
        Object value = ClickHouseValues.decode(columnType, fields[index], serverZone);
        ZoneId zone = columnType.zone() != null ? columnType.zone() : serverZone;
        return ClickHouseValues.convert(value, type, column.getName(), zone);
    }

    /**
     * @param name a column name, any case
     * @throws java.util.NoSuchElementException when there is no such column
     */
    @Override
    public <T> T get(String name, Class<T> type) {
        return get(metadata.requireIndex(name), type);
    }

    @Override
    public String toString() {
        return "ClickHouseRow" + metadata.getColumnMetadatas();
    }
}

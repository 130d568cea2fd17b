package dev.tributary.examples.output;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;

import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads an R2DBC row into an ordered map for a {@link RowWriter}, for use as the mapper of
 * {@link dev.tributary.sql.SqlStatement#map(java.util.function.BiFunction)}. Numbers, text,
 * booleans, dates and times, binary, UUIDs and arrays of them (Java arrays, or lists as the
 * ClickHouse driver returns for {@code Array(T)}) keep the driver's Java type; any
 * other column (the driver's own types for {@code json}, {@code jsonb}, {@code interval}, ...) is
 * read as the database's text form, and {@code json}/{@code jsonb} text is written as embedded
 * JSON by {@link OutputFormat#JSON}. A repeated column name gets a suffix ({@code a}, {@code a_2}).
 *
 * <pre>{@code
 * Flux<Map<String, Object>> rows = db.sql("SELECT * FROM airports").map(RowValues::read).all();
 * }</pre>
 */
public final class RowValues {

    private RowValues() {
    }

    /**
     * @param row      the row; read on the driver's thread, without blocking
     * @param metadata its metadata
     * @return column name to value, in column order; SQL {@code NULL} as {@code null}
     */
    public static Map<String, Object> read(Row row, RowMetadata metadata) {
        List<? extends ColumnMetadata> columns = metadata.getColumnMetadatas();
        Map<String, Object> values = new LinkedHashMap<>(columns.size() * 2);
        for (int i = 0; i < columns.size(); i++) {
            ColumnMetadata column = columns.get(i);
            values.put(uniqueName(values, column.getName()), read(row, i, column));
        }
        return values;
    }

    /**
     * Pairs a row's values, as the platform's query endpoint sends them (JSON decoded by Jackson:
     * strings, numbers, booleans, lists for arrays, maps for {@code json} objects), with the
     * columns' names, for a {@link RowWriter}.
     *
     * @param columns the column names, in order
     * @param values  the row's values, in the same order; {@code null} for SQL {@code NULL}
     * @return column name to value, in column order; a repeated name gets a suffix ({@code a}, {@code a_2})
     * @throws IllegalArgumentException if there are not as many values as columns
     */
    public static Map<String, Object> of(List<String> columns, List<Object> values) {
        if (columns.size() != values.size()) {
            throw new IllegalArgumentException("a row has " + values.size() + " values for " + columns.size() + " columns "
                    + columns);
        }
        Map<String, Object> row = new LinkedHashMap<>(columns.size() * 2);
        for (int i = 0; i < columns.size(); i++) {
            row.put(uniqueName(row, columns.get(i)), values.get(i));
        }
        return row;
    }

    private static Object read(Row row, int index, ColumnMetadata column) {
        Class<?> javaType = column.getJavaType();
        if (javaType == null || isPlain(javaType)) {
            return row.get(index);
        }
        String text;
        try {
            text = row.get(index, String.class);
        } catch (IllegalArgumentException | UnsupportedOperationException noTextForm) {
            Object value = row.get(index);
            return value == null ? null : value.toString();
        }
        if (text == null) {
            return null;
        }
        String typeName = column.getType().getName().toLowerCase(Locale.ROOT);
        return typeName.equals("json") || typeName.equals("jsonb") ? new JsonText(text) : text;
    }

    private static boolean isPlain(Class<?> type) {
        if (type.isArray()) {
            return type.getComponentType() == byte.class || isPlain(type.getComponentType());
        }
        return type == String.class || type == Boolean.class || type == Character.class || type == UUID.class
                || type == Object.class || Number.class.isAssignableFrom(type) || TemporalAccessor.class.isAssignableFrom(type)
                || ByteBuffer.class.isAssignableFrom(type) || List.class.isAssignableFrom(type) || type.isPrimitive();
    }

    private static String uniqueName(Map<String, Object> values, String name) {
        if (!values.containsKey(name)) {
            return name;
        }
        int n = 2;
        while (values.containsKey(name + "_" + n)) {
            n++;
        }
        return name + "_" + n;
    }
}

package dev.tributary.r2dbc;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Row-to-object mappings: Java records by component name (exact column name, then its
 * {@code snake_case} form, then case-insensitively), single-column value types, and ordered maps.
 */
final class RowMapping {

    private static final Map<Class<?>, BiFunction<Row, RowMetadata, ?>> RECORD_MAPPERS = new ConcurrentHashMap<>();

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(
            boolean.class, Boolean.class, byte.class, Byte.class, short.class, Short.class, int.class, Integer.class,
            long.class, Long.class, float.class, Float.class, double.class, Double.class, char.class, Character.class);

    private RowMapping() {
    }

    @SuppressWarnings("unchecked")
    static <T> BiFunction<Row, RowMetadata, T> to(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (type.isRecord()) {
            return (BiFunction<Row, RowMetadata, T>) RECORD_MAPPERS.computeIfAbsent(type, RowMapping::recordMapper);
        }
        Class<T> boxed = (Class<T>) BOXES.getOrDefault(type, type);
        return (row, metadata) -> {
            if (metadata.getColumnMetadatas().size() != 1) {
                throw new IllegalArgumentException("mapTo(" + type.getSimpleName() + ") needs a single column, but the row has "
                        + columnNames(metadata) + "; map to a record or use map(...)");
            }
            return row.get(0, boxed);
        };
    }

    static Map<String, Object> toMap(Row row, RowMetadata metadata) {
        List<? extends ColumnMetadata> columns = metadata.getColumnMetadatas();
        Map<String, Object> map = new LinkedHashMap<>(columns.size() * 2);
        for (int i = 0; i < columns.size(); i++) {
            map.put(columns.get(i).getName(), row.get(i));
        }
        return map;
    }

    private static BiFunction<Row, RowMetadata, ?> recordMapper(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            parameterTypes[i] = components[i].getType();
        }
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot use the canonical constructor of record " + type.getName(), e);
        }
        return (row, metadata) -> {
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                String column = columnFor(component.getName(), metadata);
                if (column == null) {
                    throw new IllegalArgumentException("Record " + type.getSimpleName() + " component '" + component.getName()
                            + "' has no column (looked for '" + component.getName() + "' and '" + snakeCase(component.getName())
                            + "'); the row has " + columnNames(metadata));
                }
                Class<?> target = BOXES.getOrDefault(component.getType(), component.getType());
                Object value = row.get(column, target);
                if (value == null && component.getType().isPrimitive()) {
                    throw new IllegalArgumentException("Column '" + column + "' is NULL but record " + type.getSimpleName()
                            + " component '" + component.getName() + "' is a primitive " + component.getType()
                            + "; use " + target.getSimpleName());
                }
                args[i] = value;
            }
            try {
                return constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                throw new IllegalStateException("Record " + type.getSimpleName() + " constructor failed", cause);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot construct record " + type.getSimpleName(), e);
            }
        };
    }

    private static String columnFor(String component, RowMetadata metadata) {
        if (metadata.contains(component)) {
            return component;
        }
        String snake = snakeCase(component);
        if (metadata.contains(snake)) {
            return snake;
        }
        for (ColumnMetadata column : metadata.getColumnMetadatas()) {
            String name = column.getName();
            if (name.equalsIgnoreCase(component) || name.equalsIgnoreCase(snake)) {
                return name;
            }
        }
        return null;
    }

    static String snakeCase(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static List<String> columnNames(RowMetadata metadata) {
        List<String> names = new ArrayList<>();
        for (ColumnMetadata column : metadata.getColumnMetadatas()) {
            names.add(column.getName());
        }
        return names;
    }
}

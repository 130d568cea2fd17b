package dev.tributary.http.bitbucket.table;

import java.util.Objects;
import java.util.function.Function;

/**
 * One column of a {@link Table}: a stable snake_case name, the Java type of its values and how a
 * value is read from an item.
 *
 * @param name      the column name, snake_case ({@code created_on}); stable across releases
 * @param type      the Java type of its values: {@link Integer}, {@link Long}, {@link String},
 *                  {@link Boolean} or {@link java.time.OffsetDateTime}
 * @param extractor reads the value from an item; returns {@code null} when the item does not have
 *                  it (a partial response, an unassigned issue)
 * @param <T>       the item type
 */
public record Column<T>(String name, Class<?> type, Function<? super T, ?> extractor) {

    /**
     * @throws IllegalArgumentException if the name is not snake_case
     */
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(extractor, "extractor");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("column name '" + name + "' is not snake_case");
        }
    }

    /**
     * @param item the item; not {@code null}
     * @return the column's value for it, of {@link #type()}, or {@code null}
     * @throws IllegalStateException if the extractor returned a value of another type
     */
    public Object valueOf(T item) {
        Object value = this.extractor.apply(Objects.requireNonNull(item, "item"));
        if (value != null && !this.type.isInstance(value)) {
            throw new IllegalStateException("column " + this.name + " is " + this.type.getSimpleName() + " but read a "
                    + value.getClass().getSimpleName());
        }
        return value;
    }

    @Override
    public String toString() {
        return this.name + " " + this.type.getSimpleName();
    }
}

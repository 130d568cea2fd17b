package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Type;

/**
 * A result column as the {@code TabSeparatedWithNamesAndTypes} header describes it: its name and
 * ClickHouse type. {@link #getNativeTypeMetadata()} is the parsed {@link ClickHouseType}; the Java
 * type is {@link ClickHouseType#javaType()} (the mapping table is in its javadoc).
 */
public final class ClickHouseColumnMetadata implements ColumnMetadata {

    private final String name;
    private final ClickHouseType type;
    private final Type r2dbcType;

    ClickHouseColumnMetadata(String name, ClickHouseType type) {
        this.name = name;
        this.type = type;
        this.r2dbcType = new Type() {
            @Override
            public Class<?> getJavaType() {
                return type.javaType();
            }

            @Override
            public String getName() {
                return type.name();
            }

            @Override
            public String toString() {
                return type.name();
            }
        };
    }

    @Override
    public String getName() {
        return name;
    }

    /** @return the ClickHouse type as R2DBC's {@link Type}: its name as the server wrote it and its default Java type */
    @Override
    public Type getType() {
        return r2dbcType;
    }

    @Override
    public Class<?> getJavaType() {
        return type.javaType();
    }

    /** @return the parsed {@link ClickHouseType}; never null */
    @Override
    public ClickHouseType getNativeTypeMetadata() {
        return type;
    }

    /** @return {@link Nullability#NULLABLE} for {@code Nullable(...)} types, else {@link Nullability#NON_NULL} */
    @Override
    public Nullability getNullability() {
        return type.isNullable() ? Nullability.NULLABLE : Nullability.NON_NULL;
    }

    /** @return the precision of Decimal and DateTime64 types, else {@code null} */
    @Override
    public Integer getPrecision() {
        return type.precision();
    }

    /** @return the scale of Decimal and DateTime64 types, else {@code null} */
    @Override
    public Integer getScale() {
        return type.scale();
    }

    @Override
    public String toString() {
        return name + " " + type.name();
    }
}

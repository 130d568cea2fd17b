package dev.tributary.sql.load;

import java.util.Objects;

/**
 * A column a load wrote to.
 *
 * @param name    the column's name in the table
 * @param sqlType the column's SQL type as the database names it ({@code bigint}, {@code text}, ...)
 */
public record LoadedColumn(String name, String sqlType) {

    /**
     * @param name    not {@code null}
     * @param sqlType not {@code null}
     */
    public LoadedColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sqlType, "sqlType");
    }
}

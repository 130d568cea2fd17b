package dev.tributary.http.platform;

import java.util.Objects;

/**
 * A column of a query result, from the {@code metadata} of the query endpoint's answer
 * ({@code {"metadata": {"id": "int4", "name": "text"}, "data": [...]}}).
 *
 * @param name the column's name, never {@code null}
 * @param type the service's name of its type (PostgreSQL's, e.g. {@code int4}, {@code text},
 *             {@code _int4} for {@code int4[]}), never {@code null}
 */
public record QueryColumn(String name, String type) {

    /**
     * @throws NullPointerException if a part is {@code null}
     */
    public QueryColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}

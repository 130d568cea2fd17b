package dev.tributary.r2dbc.copy;

import java.util.ArrayList;
import java.util.List;

/**
 * A table's name, optionally schema-qualified. Names are taken exactly as given (case and
 * characters kept, as {@code CREATE TABLE} by a load creates them) and always quoted in SQL.
 *
 * @param schema the schema, or {@code null} for the search path
 * @param table  the table
 */
record TableName(String schema, String table) {

    /**
     * Parses {@code table}, {@code schema.table}, or either part double-quoted
     * ({@code "my schema"."a.b"}, quotes doubled inside) when it contains a dot or a quote.
     *
     * @param qualified the name
     * @return the parsed name
     * @throws IllegalArgumentException if it is empty, has an empty part, an unclosed quote or more
     *                                  than two parts
     */
    static TableName parse(String qualified) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = qualified.length();
        while (true) {
            StringBuilder part = new StringBuilder();
            if (i < n && qualified.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("Unclosed quote in the table name " + Quote.value(qualified));
                    }
                    char c = qualified.charAt(i++);
                    if (c == '"') {
                        if (i < n && qualified.charAt(i) == '"') {
                            part.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        part.append(c);
                    }
                }
                if (i < n && qualified.charAt(i) != '.') {
                    throw new IllegalArgumentException("Unexpected text after a quoted part of the table name " + Quote.value(qualified));
                }
            } else {
                while (i < n && qualified.charAt(i) != '.') {
                    part.append(qualified.charAt(i++));
                }
            }
            if (part.length() == 0) {
                throw new IllegalArgumentException("Empty part in the table name " + Quote.value(qualified));
            }
            parts.add(part.toString());
            if (i >= n) {
                break;
            }
            i++; // the dot
        }
        if (parts.size() > 2) {
            throw new IllegalArgumentException("A table name has at most two parts (schema.table): " + Quote.value(qualified)
                    + "; quote a name that contains a dot, like \"a.b\"");
        }
        return parts.size() == 1 ? new TableName(null, parts.get(0)) : new TableName(parts.get(0), parts.get(1));
    }

    /** @return the name for SQL, each part quoted */
    String quoted() {
        return (this.schema != null ? Quote.identifier(this.schema) + "." : "") + Quote.identifier(this.table);
    }

    @Override
    public String toString() {
        return (this.schema != null ? this.schema + "." : "") + this.table;
    }
}

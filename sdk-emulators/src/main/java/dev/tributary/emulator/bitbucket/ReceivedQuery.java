package dev.tributary.emulator.bitbucket;

import java.util.List;
import java.util.Map;

/**
 * A request the emulator received, as recorded for pushdown tests: which filter, sort and partial
 * response the client asked the server for.
 *
 * @param method the HTTP method ({@code GET}, ...)
 * @param path   the raw path without the query string ({@code /2.0/repositories/acme/app/issues})
 * @param params every query parameter, decoded, in arrival order, repeated ones as several values;
 *               unmodifiable
 */
public record ReceivedQuery(String method, String path, Map<String, List<String>> params) {

    /** @return the (first) decoded {@code q} parameter, or {@code null} when there was none */
    public String q() {
        return first("q");
    }

    /** @return the (first) decoded {@code sort} parameter, or {@code null} */
    public String sort() {
        return first("sort");
    }

    /** @return the (first) decoded {@code fields} parameter, or {@code null} */
    public String fields() {
        return first("fields");
    }

    /**
     * @param name a query parameter name
     * @return its first decoded value, or {@code null} when absent
     */
    public String first(String name) {
        List<String> values = this.params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}

package dev.tributary.r2dbc.copy;

/**
 * Quoting: SQL identifiers for statements, values for error messages.
 */
final class Quote {

    private static final int MAX_VALUE_IN_MESSAGE = 60;

    private Quote() {
    }

    /**
     * @param name an identifier exactly as it should be named (case and characters kept)
     * @return the identifier double-quoted, embedded quotes doubled
     * @throws IllegalArgumentException if it contains a NUL character
     */
    static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("An SQL identifier cannot contain a NUL character: " + value(name));
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * @param value a data value
     * @return the value in double quotes for a message, shortened when long
     */
    static String value(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > MAX_VALUE_IN_MESSAGE ? value.substring(0, MAX_VALUE_IN_MESSAGE) + "..." : value;
        return '"' + shown.replace("\n", "\\n").replace("\r", "\\r") + '"';
    }
}

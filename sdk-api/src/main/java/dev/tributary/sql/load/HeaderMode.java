package dev.tributary.sql.load;

/**
 * Whether the first row of a CSV source names the columns. The values mirror the platform
 * API's {@code infer_header} ({@code auto}, {@code first_row}, {@code no_header}).
 */
public enum HeaderMode {

    /**
     * Decide from the data: the first row is a header when its values are distinct, non-empty
     * and none of them has the type (number, boolean, date) that the column has in the rows
     * below it; a column that is text throughout does not decide.
     */
    AUTO("auto"),

    /** The first row is the header. */
    FIRST_ROW("first_row"),

    /** There is no header: columns are named {@code column_1}, {@code column_2}, ... */
    NO_HEADER("no_header");

    private final String platformValue;

    HeaderMode(String platformValue) {
        this.platformValue = platformValue;
    }

    /**
     * @return the platform API's name for this mode ({@code auto}, {@code first_row},
     *         {@code no_header})
     */
    public String platformValue() {
        return this.platformValue;
    }

    /**
     * @param value {@code auto}, {@code first_row} or {@code no_header} (case-insensitive)
     * @return the mode
     * @throws IllegalArgumentException for any other value, naming the accepted ones
     */
    public static HeaderMode fromPlatformValue(String value) {
        for (HeaderMode mode : values()) {
            if (mode.platformValue.equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("infer_header must be one of auto, first_row, no_header; was '" + value + "'");
    }
}

package dev.tributary.sql.load;

/**
 * Whether the first row of a CSV source names the columns. The values mirror the platform
 * API's {@code infer_header} ({@code auto}, {@code first_row}, {@code no_header}).
 */
public enum HeaderMode {

    /**
     * Decide from the data. The first row is a header when its values are all non-empty and
     * distinct, and
     * <ul>
     * <li>the load goes into an existing table and every value names one of its columns
     * (case-insensitively), or</li>
     * <li>in some column that has a type other than text in the rows below (number, boolean,
     * date, timestamp), the first-row value does not fit that type ({@code price} above
     * {@code 2.5}), or</li>
     * <li>every column is text in the rows below (then distinct, non-empty values are taken as
     * names, as pandas does).</li>
     * </ul>
     * Otherwise the first row is data: {@code 1,2.5} above {@code 2,3.0} is data; so is
     * {@code Vila,42.5} above {@code Encamp,42.53}. A first row that repeats a value, or has an
     * empty one, is always data. For a stream source, "the rows below" are the sampled ones.
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

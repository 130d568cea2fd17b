package dev.tributary.r2dbc.copy;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Recognizes the literals a bulk load deals with, in two strengths:
 * <ul>
 * <li><b>inference</b> ({@link #candidates}): conservative, so that a column is only typed when
 * every value clearly is of that type. {@code 007}, {@code +41} or {@code " 5"} stay text (codes,
 * phone numbers and padded values lose information as numbers);</li>
 * <li><b>validation</b> ({@link #isInteger}, {@link #isFloat}, ...): what PostgreSQL's own input
 * functions accept for the type, so that a value PostgreSQL would take is never refused
 * client-side (dates and timestamps: ISO 8601 only, see {@link #isTimestamp}).</li>
 * </ul>
 */
final class ValueSyntax {

    /** Candidate bit: fits {@code bigint}. */
    static final int BIGINT = 1;
    /** Candidate bit: fits {@code double precision}. */
    static final int DOUBLE = 1 << 1;
    /** Candidate bit: fits {@code boolean} ({@code true}/{@code false}). */
    static final int BOOLEAN = 1 << 2;
    /** Candidate bit: fits {@code date}. */
    static final int DATE = 1 << 3;
    /** Candidate bit: fits {@code timestamptz}. */
    static final int TIMESTAMPTZ = 1 << 4;
    /** Every candidate. */
    static final int ALL = BIGINT | DOUBLE | BOOLEAN | DATE | TIMESTAMPTZ;

    private ValueSyntax() {
    }

    /**
     * The types a text value (a CSV field, a JSON string) clearly is, for inference.
     *
     * @param value a non-empty value
     * @return a mask of {@link #BIGINT}, {@link #DOUBLE}, {@link #BOOLEAN}, {@link #DATE},
     *         {@link #TIMESTAMPTZ}; 0 for text
     */
    static int candidates(String value) {
        int n = value.length();
        if (n == 0) {
            return 0;
        }
        char c = value.charAt(0);
        if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
            return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false") ? BOOLEAN : 0;
        }
        if (c == 'N' || c == 'I' || c == '-' && n > 1 && value.charAt(1) == 'I') {
            return value.equals("NaN") || value.equals("Infinity") || value.equals("-Infinity") ? DOUBLE : 0;
        }
        if (c != '-' && (c < '0' || c > '9')) {
            return 0;
        }
        if (c != '-' && n >= 10 && value.charAt(4) == '-') {
            if (isIsoDate(value)) {
                return DATE | TIMESTAMPTZ;
            }
            return isTimestamp(value) ? TIMESTAMPTZ : 0;
        }
        return strictNumber(value);
    }

    /**
     * The types a JSON number is, for inference.
     *
     * @param integral  whether the number is an integer literal ({@code VALUE_NUMBER_INT})
     * @param fitsLong  whether it fits a 64-bit integer
     * @return {@link #BIGINT} | {@link #DOUBLE}, or {@link #DOUBLE}
     */
    static int jsonNumberCandidates(boolean integral, boolean fitsLong) {
        return integral && fitsLong ? BIGINT | DOUBLE : DOUBLE;
    }

    /**
     * A plain decimal number without a leading {@code +}, without leading zeros ({@code 0.5} and
     * {@code 0} are numbers, {@code 007} and {@code 00.5} are not).
     */
    private static int strictNumber(String s) {
        int n = s.length();
        int i = s.charAt(0) == '-' ? 1 : 0;
        int intStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits > 1 && s.charAt(intStart) == '0') {
            return 0;
        }
        if (i == n) {
            if (intDigits == 0) {
                return 0;
            }
            return fitsLong(s) ? BIGINT | DOUBLE : DOUBLE;
        }
        int fracDigits = 0;
        if (s.charAt(i) == '.') {
            i++;
            int fracStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            fracDigits = i - fracStart;
        }
        if (intDigits == 0 && fracDigits == 0) {
            return 0;
        }
        if (intDigits == 0) {
            return 0; // ".5": too unusual to be a number column's normal form
        }
        i = exponentEnd(s, i);
        return i == n && fitsDouble(s) ? DOUBLE : 0;
    }

    private static boolean fitsLong(String digits) {
        try {
            Long.parseLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean fitsDouble(String s) {
        double d = Double.parseDouble(s);
        return !Double.isInfinite(d);
    }

    /**
     * Whether PostgreSQL's integer input accepts the value within the range (surrounding
     * whitespace and a sign allowed; decimal digits only).
     *
     * @param value a non-empty value
     * @param min   the type's smallest value
     * @param max   the type's largest value
     * @return whether it fits
     */
    static boolean isInteger(String value, long min, long max) {
        String s = value.strip();
        int n = s.length();
        if (n == 0) {
            return false;
        }
        int i = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        if (i == n) {
            return false;
        }
        for (int j = i; j < n; j++) {
            if (!isDigit(s.charAt(j))) {
                return false;
            }
        }
        try {
            long v = Long.parseLong(s);
            return v >= min && v <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Whether PostgreSQL's {@code double precision} / {@code numeric} input accepts the value:
     * decimal numbers with an optional exponent, {@code NaN}, {@code Infinity}, {@code inf}
     * (case-insensitive), surrounding whitespace allowed.
     *
     * @param value a non-empty value
     * @return whether it is a number
     */
    static boolean isFloat(String value) {
        String s = value.strip();
        int n = s.length();
        if (n == 0) {
            return false;
        }
        int i = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        String rest = s.substring(i);
        if (rest.equalsIgnoreCase("infinity") || rest.equalsIgnoreCase("inf") || i == 0 && rest.equalsIgnoreCase("nan")) {
            return true;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        return exponentEnd(s, i) == n;
    }

    /**
     * @param s a number's text
     * @param i where an exponent ({@code e}/{@code E}, an optional sign, digits) may start
     * @return the index after the exponent; {@code i} when there is none; -1 when it has no digits
     */
    private static int exponentEnd(String s, int i) {
        int n = s.length();
        if (i >= n || (s.charAt(i) != 'e' && s.charAt(i) != 'E')) {
            return i;
        }
        int j = i + 1;
        if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
            j++;
        }
        int digitsStart = j;
        while (j < n && isDigit(s.charAt(j))) {
            j++;
        }
        return j == digitsStart ? -1 : j;
    }

    /**
     * Whether a number {@link #isFloat} accepts is within the range of {@code double precision}
     * (or {@code real}): PostgreSQL refuses values that overflow to infinity or underflow to zero.
     *
     * @param value  a value {@link #isFloat} accepts
     * @param single {@code real} rather than {@code double precision}
     * @return whether it is in range
     */
    static boolean inFloatRange(String value, boolean single) {
        String s = value.strip();
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith("inf") || lower.endsWith("infinity") || lower.equals("nan")) {
            return true;
        }
        double d = single ? Float.parseFloat(s) : Double.parseDouble(s);
        if (Double.isInfinite(d)) {
            return false;
        }
        if (d == 0.0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == 'e' || c == 'E') {
                    break;
                }
                if (c >= '1' && c <= '9') {
                    return false; // a non-zero value that underflows
                }
            }
        }
        return true;
    }

    /**
     * Whether PostgreSQL's {@code boolean} input accepts the value: {@code true}, {@code false},
     * {@code yes}, {@code no}, {@code on}, {@code off}, {@code 1}, {@code 0} and unique prefixes
     * ({@code t}, {@code f}, {@code y}, {@code n}), case-insensitive, whitespace allowed.
     *
     * @param value a non-empty value
     * @return whether it is a boolean
     */
    static boolean isBoolean(String value) {
        String s = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.isEmpty()) {
            return false;
        }
        return "true".startsWith(s) || "false".startsWith(s) || "yes".startsWith(s) || s.equals("no") || s.equals("n")
                || s.equals("on") || s.equals("of") || s.equals("off") || s.equals("1") || s.equals("0");
    }

    /**
     * @param value a value
     * @return whether it is an ISO 8601 calendar date {@code yyyy-MM-dd} that exists
     */
    static boolean isIsoDate(String value) {
        return value.length() == 10 && dateEnd(value) == 10;
    }

    /**
     * @param value a value
     * @return whether it is {@code yyyy-MM-dd}, {@code infinity} or {@code -infinity} (PostgreSQL's
     *         {@code date} input, ISO form)
     */
    static boolean isDate(String value) {
        String s = value.strip();
        return isIsoDate(s) || isInfinity(s);
    }

    /**
     * Whether the value is an ISO 8601 date-time as PostgreSQL and ISO write it:
     * {@code yyyy-MM-dd}, then {@code T} or a space, {@code HH:mm}, optional {@code :ss} and
     * fraction, optional offset {@code Z}, {@code ±HH}, {@code ±HH:mm} or {@code ±HHmm}.
     *
     * @param value a value
     * @return whether it is such a timestamp
     */
    static boolean isTimestamp(String value) {
        return timestampEnd(value) == value.length();
    }

    /**
     * @param value a value
     * @return whether PostgreSQL's {@code timestamp}/{@code timestamptz} input takes it in ISO
     *         form: a timestamp, a date, or {@code infinity}
     */
    static boolean isTimestampOrDate(String value) {
        String s = value.strip();
        return isTimestamp(s) || isIsoDate(s) || isInfinity(s);
    }

    /**
     * The literal to send for a {@code timestamptz} column: a value without an offset is taken as
     * UTC (not the session's time zone), so that a load means the same wherever it runs.
     *
     * @param value a value accepted by {@link #isTimestampOrDate}
     * @return the literal, with {@code +00} added when the value has no offset
     */
    static String timestamptzLiteral(String value) {
        String s = value.strip();
        if (isInfinity(s)) {
            return s;
        }
        if (s.length() == 10) {
            return s + " 00:00:00+00";
        }
        return hasOffset(s) ? s : s + "+00";
    }

    private static boolean isInfinity(String s) {
        return s.equalsIgnoreCase("infinity") || s.equalsIgnoreCase("-infinity") || s.equalsIgnoreCase("+infinity");
    }

    private static boolean hasOffset(String s) {
        char last = s.charAt(s.length() - 1);
        if (last == 'Z' || last == 'z') {
            return true;
        }
        // after the time "HH:mm" (index 11..15) a '+' or '-' starts the offset
        for (int i = 16; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+' || c == '-') {
                return true;
            }
        }
        return false;
    }

    /** @return the index after a valid {@code yyyy-MM-dd} at the start, or -1 */
    private static int dateEnd(String s) {
        if (s.length() < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return -1;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        if (year < 0 || month < 0 || day < 0) {
            return -1;
        }
        try {
            LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return -1;
        }
        return 10;
    }

    /** @return the index after a valid timestamp at the start, or -1 */
    private static int timestampEnd(String s) {
        int n = s.length();
        if (n < 16 || dateEnd(s) != 10) {
            return -1;
        }
        char sep = s.charAt(10);
        if (sep != 'T' && sep != ' ' && sep != 't') {
            return -1;
        }
        int hour = digits(s, 11, 2);
        if (hour < 0 || hour > 24 || s.charAt(13) != ':') {
            return -1;
        }
        int minute = digits(s, 14, 2);
        if (minute < 0 || minute > 59) {
            return -1;
        }
        int i = 16;
        if (i < n && s.charAt(i) == ':') {
            int second = digits(s, i + 1, 2);
            if (second < 0 || second > 60) {
                return -1;
            }
            i += 3;
            if (i < n && s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return -1;
                }
            }
        }
        if (i == n) {
            return n;
        }
        char c = s.charAt(i);
        if (c == 'Z' || c == 'z') {
            return i + 1;
        }
        if (c != '+' && c != '-') {
            return -1;
        }
        int offsetHours = digits(s, i + 1, 2);
        if (offsetHours < 0 || offsetHours > 15) {
            return -1;
        }
        i += 3;
        if (i == n) {
            return n;
        }
        if (s.charAt(i) == ':') {
            i++;
        }
        int offsetMinutes = digits(s, i, 2);
        if (offsetMinutes < 0 || offsetMinutes > 59) {
            return -1;
        }
        return i + 2;
    }

    /** @return the value of {@code count} ASCII digits at {@code from}, or -1 */
    private static int digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

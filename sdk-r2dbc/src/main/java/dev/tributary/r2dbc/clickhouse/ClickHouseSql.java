package dev.tributary.r2dbc.clickhouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A SQL text with its bind markers {@code $1..$n} located: {@code bind(i, v)} (zero-based) fills
 * {@code $(i+1)}; a marker may occur more than once. Markers are found outside string literals
 * ({@code '..'} with backslash escapes and {@code ''} doubling), quoted identifiers
 * ({@code `..`} and {@code ".."}), comments ({@code -- ..} to the end of the line, and
 * {@code /* .. *&#47;}, which do not nest in ClickHouse 18.16 (they do in current ClickHouse:
 * a marker after an inner {@code *&#47;} of a nested comment counts here), and the line comments
 * {@code # }, {@code #!}, {@code //} and heredocs {@code $tag$..$tag$} of newer servers), and not
 * inside a word (the {@code $} of {@code a$1} or {@code 1$2} is no marker, nor is {@code $1a}).
 * Immutable.
 */
final class ClickHouseSql {

    private final String sql;
    /** Marker positions: start index in sql, end index, 1-based marker number; sorted by position. */
    private final int[] starts;
    private final int[] ends;
    private final int[] numbers;
    private final int parameterCount;

    private ClickHouseSql(String sql, int[] starts, int[] ends, int[] numbers, int parameterCount) {
        this.sql = sql;
        this.starts = starts;
        this.ends = ends;
        this.numbers = numbers;
        this.parameterCount = parameterCount;
    }

    /**
     * @param sql the statement text
     * @return the located markers
     * @throws IllegalArgumentException on an unterminated string literal, quoted identifier or block
     *                                  comment (naming its start position), on {@code $0}, or when the
     *                                  markers skip a number (naming the missing marker)
     */
    static ClickHouseSql parse(String sql) {
        Objects.requireNonNull(sql, "sql");
        List<int[]> markers = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            switch (c) {
                case '\'', '`', '"' -> i = skipQuoted(sql, i, c);
                case '-' -> {
                    if (i + 1 < n && sql.charAt(i + 1) == '-') {
                        i = skipLine(sql, i + 2);
                    } else {
                        i++;
                    }
                }
                case '#' -> {
                    // "# " and "#!" comments of ClickHouse 21+ (not valid SQL on 18.16 either way)
                    if (i + 1 < n && (sql.charAt(i + 1) == ' ' || sql.charAt(i + 1) == '!')) {
                        i = skipLine(sql, i + 2);
                    } else {
                        i++;
                    }
                }
                case '/' -> {
                    if (i + 1 < n && sql.charAt(i + 1) == '/') {
                        i = skipLine(sql, i + 2); // "//" comments of current ClickHouse
                    } else if (i + 1 < n && sql.charAt(i + 1) == '*') {
                        int close = sql.indexOf("*/", i + 2);
                        if (close < 0) {
                            throw new IllegalArgumentException("Unterminated /* comment starting at position " + i
                                    + " of the SQL");
                        }
                        i = close + 2;
                    } else {
                        i++;
                    }
                }
                case '$' -> {
                    int heredocEnd = heredocEnd(sql, i);
                    if (heredocEnd >= 0) {
                        i = heredocEnd;
                        continue;
                    }
                    int j = i + 1;
                    while (j < n && isDigit(sql.charAt(j))) {
                        j++;
                    }
                    boolean marker = j > i + 1 && (i == 0 || !isWordChar(sql.charAt(i - 1)))
                            && (j == n || !isWordChar(sql.charAt(j)));
                    if (marker) {
                        String digits = sql.substring(i + 1, j);
                        int number;
                        try {
                            number = Integer.parseInt(digits);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("Bind marker $" + digits + " at position " + i
                                    + " is out of range");
                        }
                        if (number == 0) {
                            throw new IllegalArgumentException("Bind marker $0 at position " + i
                                    + ": markers are numbered from $1");
                        }
                        markers.add(new int[] {i, j, number});
                        i = j;
                    } else {
                        i = Math.max(j, i + 1);
                    }
                }
                default -> {
                    if (isWordChar(c)) {
                        // skip the whole word, so a '$' inside it (a$1, 1$2) is no marker
                        int j = i + 1;
                        while (j < n && (isWordChar(sql.charAt(j)) || sql.charAt(j) == '$')) {
                            j++;
                        }
                        i = j;
                    } else {
                        i++;
                    }
                }
            }
        }
        TreeSet<Integer> seen = new TreeSet<>();
        int max = 0;
        for (int[] m : markers) {
            seen.add(m[2]);
            max = Math.max(max, m[2]);
        }
        for (int k = 1; k <= max; k++) {
            if (!seen.contains(k)) {
                throw new IllegalArgumentException("Bind marker $" + k + " is missing: the SQL uses markers up to $"
                        + max + " but not $" + k);
            }
        }
        int[] starts = new int[markers.size()];
        int[] ends = new int[markers.size()];
        int[] numbers = new int[markers.size()];
        for (int k = 0; k < markers.size(); k++) {
            starts[k] = markers.get(k)[0];
            ends[k] = markers.get(k)[1];
            numbers[k] = markers.get(k)[2];
        }
        return new ClickHouseSql(sql, starts, ends, numbers, max);
    }

    /** @return the number of distinct markers ({@code $1..$n}: n) */
    int parameterCount() {
        return parameterCount;
    }

    /** @return the SQL text as given */
    String sql() {
        return sql;
    }

    /**
     * @param literals the literal text for each marker, index 0 for {@code $1}
     * @return the SQL with each marker replaced by its literal (a space is put between a {@code -}
     *         in the SQL and a literal starting with {@code -}, so no {@code --} comment forms)
     * @throws IllegalArgumentException if the number of literals is not {@link #parameterCount()}
     */
    String render(List<String> literals) {
        if (literals.size() != parameterCount) {
            throw new IllegalArgumentException("The SQL has " + parameterCount + " bind markers but "
                    + literals.size() + " values were given");
        }
        if (starts.length == 0) {
            return sql;
        }
        int extra = 0;
        for (String literal : literals) {
            extra += literal.length();
        }
        StringBuilder out = new StringBuilder(sql.length() + extra);
        int from = 0;
        for (int k = 0; k < starts.length; k++) {
            out.append(sql, from, starts[k]);
            String literal = Objects.requireNonNull(literals.get(numbers[k] - 1), "literal");
            if (!literal.isEmpty() && literal.charAt(0) == '-' && out.length() > 0 && out.charAt(out.length() - 1) == '-') {
                out.append(' ');
            }
            out.append(literal);
            from = ends[k];
        }
        out.append(sql, from, sql.length());
        return out.toString();
    }

    private static int skipQuoted(String sql, int open, char quote) {
        int n = sql.length();
        int i = open + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        String what = quote == '\'' ? "string literal" : "quoted identifier";
        throw new IllegalArgumentException("Unterminated " + what + " (" + quote + ") starting at position " + open
                + " of the SQL");
    }

    /**
     * A heredoc string {@code $tag$ .. $tag$} (tag empty or a word not starting with a digit) of
     * ClickHouse 23.x+; {@code $} is not valid outside strings on 18.16, so this changes nothing there.
     *
     * @return the index after the closing tag, or -1 when no heredoc starts at {@code open}
     */
    private static int heredocEnd(String sql, int open) {
        int n = sql.length();
        int j = open + 1;
        if (j < n && isDigit(sql.charAt(j))) {
            return -1;
        }
        while (j < n && isWordChar(sql.charAt(j))) {
            j++;
        }
        if (j >= n || sql.charAt(j) != '$' || (open > 0 && isWordChar(sql.charAt(open - 1)))) {
            return -1;
        }
        String tag = sql.substring(open, j + 1);
        int close = sql.indexOf(tag, j + 1);
        if (close < 0) {
            throw new IllegalArgumentException("Unterminated heredoc " + tag + " starting at position " + open
                    + " of the SQL");
        }
        return close + tag.length();
    }

    private static int skipLine(String sql, int from) {
        int nl = sql.indexOf('\n', from);
        return nl < 0 ? sql.length() : nl + 1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }
}

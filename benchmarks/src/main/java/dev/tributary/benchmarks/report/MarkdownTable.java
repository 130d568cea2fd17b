package dev.tributary.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A GitHub-flavoured markdown table: a header row, the alignment row, then the rows. Cells are
 * escaped ({@code |} becomes {@code \|}); numbers are right-aligned. Not thread-safe.
 */
public final class MarkdownTable {

    private final List<String> headers;
    private final List<Boolean> numeric;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * @param headers the column titles; a title that starts with {@code #} is a numeric column (right
     *                aligned), the {@code #} is not printed
     */
    public MarkdownTable(String... headers) {
        this.headers = new ArrayList<>();
        this.numeric = new ArrayList<>();
        for (String header : headers) {
            boolean isNumber = header.startsWith("#");
            this.numeric.add(isNumber);
            this.headers.add(isNumber ? header.substring(1) : header);
        }
    }

    /**
     * @param cells one value per column
     * @return this table
     * @throws IllegalArgumentException if the count of cells is not the count of columns
     */
    public MarkdownTable row(Object... cells) {
        if (cells.length != this.headers.size()) {
            throw new IllegalArgumentException("a row of " + this.headers.size() + " columns " + this.headers + " got " + cells.length
                    + " cells");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "" : String.valueOf(cell));
        }
        this.rows.add(row);
        return this;
    }

    /** @return the number of rows (without the header) */
    public int size() {
        return this.rows.size();
    }

    /**
     * @return the table, one line per row, each ending with a line feed
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        line(out, this.headers);
        out.append('|');
        for (boolean isNumber : this.numeric) {
            out.append(isNumber ? "---:|" : "---|");
        }
        out.append('\n');
        this.rows.forEach(row -> line(out, row));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
        }
        out.append('\n');
    }

    /**
     * @param value a figure
     * @return it with thousands separators and no decimals when at least 100, otherwise three
     * significant digits ({@code 12,345}, {@code 42.1}, {@code 0.123})
     */
    public static String figure(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /**
     * @param value    a contender's figure
     * @param baseline the baseline's figure
     * @return {@code value / baseline} as {@code 0.87x}; {@code n/a} without a baseline
     */
    public static String ratio(double value, double baseline) {
        if (Double.isNaN(value) || Double.isNaN(baseline) || baseline == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", value / baseline);
    }

    /**
     * @param rounds the rounds of a figure
     * @return the noise note {@code min / median / max (n rounds)}
     */
    public static String noise(Rounds rounds) {
        return figure(rounds.min()) + " / " + figure(rounds.median()) + " / " + figure(rounds.max()) + " (" + rounds.values().size() + ")";
    }
}

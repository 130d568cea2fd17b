package dev.tributary.examples.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An aligned text table, as {@code psql} prints one: a header, a rule, one line per row, and a
 * footer with the row count. Column widths come from the data (in terminal columns, so Japanese
 * text that takes two columns per character lines up; see {@link #render(Appendable)}); a column
 * whose values are all numbers is right-aligned, any other column left-aligned. SQL {@code NULL}
 * is an empty cell.
 * <p>
 * Rows are added as they arrive; the table keeps at most {@code maxRows} of them and counts the
 * rest, which the footer reports. Not thread-safe.
 *
 * <pre>{@code
 * TextTable table = TextTable.withColumns(List.of("name", "elevation_ft"));
 * table.addRow(List.of("Daocheng Yading Airport", 14472L));
 * table.render(System.out);
 * }</pre>
 */
public final class TextTable {

    /** The widest a column gets by default, in terminal columns; longer values are cut with "…". */
    public static final int DEFAULT_MAX_COLUMN_WIDTH = 60;

    private static final String GAP = "  ";

    private final List<String> columns;
    private final int maxRows;
    private final int maxColumnWidth;
    private final List<List<Object>> rows = new ArrayList<>();
    private final boolean[] nonNumeric;
    private final boolean[] numeric;
    private long rowCount;

    private TextTable(List<String> columns, int maxRows, int maxColumnWidth) {
        this.columns = List.copyOf(columns);
        this.maxRows = maxRows;
        this.maxColumnWidth = maxColumnWidth;
        this.nonNumeric = new boolean[this.columns.size()];
        this.numeric = new boolean[this.columns.size()];
    }

    /**
     * @param columns the column names, in order; not empty
     * @return a table that keeps every row and cuts values at {@value #DEFAULT_MAX_COLUMN_WIDTH}
     *         columns
     * @throws IllegalArgumentException if {@code columns} is empty
     */
    public static TextTable withColumns(List<String> columns) {
        return withColumns(columns, Integer.MAX_VALUE, DEFAULT_MAX_COLUMN_WIDTH);
    }

    /**
     * @param columns        the column names, in order; not empty
     * @param maxRows        rows kept and printed (at least 0); further rows are only counted
     * @param maxColumnWidth the widest a column gets, in terminal columns (at least 2)
     * @return an empty table
     * @throws IllegalArgumentException if {@code columns} is empty or a limit is out of range
     */
    public static TextTable withColumns(List<String> columns, int maxRows, int maxColumnWidth) {
        Objects.requireNonNull(columns, "columns");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must not be negative, was " + maxRows);
        }
        if (maxColumnWidth < 2) {
            throw new IllegalArgumentException("maxColumnWidth must be at least 2, was " + maxColumnWidth);
        }
        return new TextTable(columns, maxRows, maxColumnWidth);
    }

    /** @return the column names */
    public List<String> columns() {
        return this.columns;
    }

    /** @return rows added so far, printed or not */
    public long rowCount() {
        return this.rowCount;
    }

    /**
     * Adds a row.
     *
     * @param values one value per column, in column order ({@code null} for SQL {@code NULL})
     * @return this table
     * @throws IllegalArgumentException if the row does not have one value per column
     */
    public TextTable addRow(List<?> values) {
        if (values.size() != this.columns.size()) {
            throw new IllegalArgumentException("a row of this table has " + this.columns.size() + " values "
                    + this.columns + ", this one has " + values.size());
        }
        this.rowCount++;
        if (this.rows.size() < this.maxRows) {
            List<Object> row = Collections.unmodifiableList(new ArrayList<>(values));
            for (int i = 0; i < row.size(); i++) {
                Object value = row.get(i);
                if (value instanceof Number) {
                    this.numeric[i] = true;
                } else if (value != null) {
                    this.nonNumeric[i] = true;
                }
            }
            this.rows.add(row);
        }
        return this;
    }

    /**
     * Writes the table: the header, a rule of dashes, the kept rows, and a footer
     * ({@code (3 rows)}, or {@code (10 of 25 rows shown)} when rows were left out). Cells are
     * padded to their column's width in terminal columns ({@code wcwidth}): a character of East
     * Asian width Wide or Fullwidth counts 2, a combining mark 0, anything else printable 1. A
     * right-to-left text (Arabic) is padded the same way; how the terminal orders its letters is
     * up to the terminal.
     *
     * @param out where to write; not {@code null}
     * @throws UncheckedIOException if {@code out} fails
     */
    public void render(Appendable out) {
        int n = this.columns.size();
        List<String[]> cells = new ArrayList<>(this.rows.size());
        int[] widths = new int[n];
        String[] header = new String[n];
        for (int i = 0; i < n; i++) {
            header[i] = DisplayText.truncate(DisplayText.of(this.columns.get(i)), this.maxColumnWidth);
            widths[i] = DisplayText.width(header[i]);
        }
        for (List<Object> row : this.rows) {
            String[] line = new String[n];
            for (int i = 0; i < n; i++) {
                line[i] = DisplayText.truncate(DisplayText.of(row.get(i)), this.maxColumnWidth);
                widths[i] = Math.max(widths[i], DisplayText.width(line[i]));
            }
            cells.add(line);
        }
        try {
            writeLine(out, header, widths);
            String[] rule = new String[n];
            for (int i = 0; i < n; i++) {
                rule[i] = "-".repeat(widths[i]);
            }
            writeLine(out, rule, widths);
            for (String[] line : cells) {
                writeLine(out, line, widths);
            }
            out.append(footer()).append(System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the table as text, lines ending with the platform's line separator
     */
    public String render() {
        StringBuilder b = new StringBuilder();
        render(b);
        return b.toString();
    }

    @Override
    public String toString() {
        return "TextTable{columns=" + this.columns + ", rows=" + this.rowCount + '}';
    }

    private String footer() {
        if (this.rowCount > this.rows.size()) {
            return "(" + this.rows.size() + " of " + this.rowCount + " rows shown)";
        }
        return this.rowCount == 1 ? "(1 row)" : "(" + this.rowCount + " rows)";
    }

    private void writeLine(Appendable out, String[] line, int[] widths) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < line.length; i++) {
            if (i > 0) {
                b.append(GAP);
            }
            String padding = " ".repeat(widths[i] - DisplayText.width(line[i]));
            if (rightAligned(i)) {
                b.append(padding).append(line[i]);
            } else {
                b.append(line[i]).append(padding);
            }
        }
        out.append(b.toString().stripTrailing()).append(System.lineSeparator());
    }

    private boolean rightAligned(int column) {
        return this.numeric[column] && !this.nonNumeric[column];
    }
}

package dev.tributary.examples.output;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Map;

/** {@link OutputFormat#TABLE}: keeps the rows in a {@link TextTable} and renders it on close. */
final class TableRowWriter implements RowWriter {

    private final Writer out;
    private TextTable table;
    private boolean closed;

    TableRowWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void write(Map<String, Object> row) {
        if (this.table == null) {
            this.table = TextTable.withColumns(new ArrayList<>(row.keySet()));
        }
        RowColumns.check(this.table.columns(), row);
        this.table.addRow(new ArrayList<>(row.values()));
    }

    @Override
    public long rowCount() {
        return this.table == null ? 0 : this.table.rowCount();
    }

    @Override
    public void close() throws IOException {
        if (this.closed) {
            return;
        }
        this.closed = true;
        if (this.table == null) {
            this.out.write("(0 rows)" + System.lineSeparator());
        } else {
            this.table.render(this.out);
        }
        this.out.flush();
    }
}

package dev.tributary.examples.output;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Checks that every row of a result has the first row's columns, in the same order. */
final class RowColumns {

    private RowColumns() {
    }

    static void check(List<String> columns, Map<String, Object> row) {
        if (row.size() == columns.size()) {
            Iterator<String> names = row.keySet().iterator();
            boolean same = true;
            for (String column : columns) {
                if (!column.equals(names.next())) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return;
            }
        }
        throw new IllegalArgumentException("a row has the columns " + row.keySet() + ", the first row had " + columns);
    }
}

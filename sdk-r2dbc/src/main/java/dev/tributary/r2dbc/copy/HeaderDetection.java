package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ColumnType;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether the first row of a CSV source is a header ({@link dev.tributary.sql.load.HeaderMode#AUTO}).
 * <p>
 * The first row is a header when its values are all non-empty and distinct, and either
 * <ul>
 * <li>the load goes into an existing table and every value names one of its columns
 * (case-insensitively), or</li>
 * <li>some column has a type other than text in the rows below (number, boolean, date,
 * timestamp) that its first-row value does not fit, or</li>
 * <li>every column is text in the rows below (then distinct, non-empty first-row values are taken
 * as names, as pandas and the platform do).</li>
 * </ul>
 * Otherwise the first row is data.
 */
final class HeaderDetection {

    private HeaderDetection() {
    }

    /**
     * @param first        the first row's values ({@code null} for NULL)
     * @param typesBelow   the inferred type of each column from the rows below the first
     * @param tableColumns the existing table's column names, or {@code null} if the table is created
     * @return whether the first row is a header
     */
    static boolean isHeader(List<String> first, List<ColumnType> typesBelow, List<String> tableColumns) {
        Set<String> distinct = new HashSet<>();
        for (String value : first) {
            if (value == null || value.isBlank() || !distinct.add(value)) {
                return false;
            }
        }
        if (tableColumns != null && namesColumns(first, tableColumns)) {
            return true;
        }
        boolean allText = true;
        for (int i = 0; i < first.size(); i++) {
            ColumnType type = i < typesBelow.size() ? typesBelow.get(i) : ColumnType.TEXT;
            if (type != ColumnType.TEXT && type != ColumnType.JSONB) {
                allText = false;
                if (!ColumnProfile.fits(first.get(i), type)) {
                    return true;
                }
            }
        }
        return allText;
    }

    private static boolean namesColumns(List<String> values, List<String> tableColumns) {
        Set<String> names = new HashSet<>();
        for (String column : tableColumns) {
            names.add(column.toLowerCase(Locale.ROOT));
        }
        for (String value : values) {
            if (!names.contains(value.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }
}

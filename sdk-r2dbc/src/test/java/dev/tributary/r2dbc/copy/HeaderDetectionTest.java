package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.tributary.sql.load.ColumnType.BIGINT;
import static dev.tributary.sql.load.ColumnType.DATE;
import static dev.tributary.sql.load.ColumnType.DOUBLE_PRECISION;
import static dev.tributary.sql.load.ColumnType.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

class HeaderDetectionTest {

    @Test
    void takesNamesAboveTypedColumnsAsAHeader() {
        assertThat(HeaderDetection.isHeader(List.of("id", "price", "when"), List.of(BIGINT, DOUBLE_PRECISION, DATE), null)).isTrue();
        assertThat(HeaderDetection.isHeader(List.of("name", "lat"), List.of(TEXT, DOUBLE_PRECISION), null)).isTrue();
    }

    @Test
    void takesAFirstRowThatFitsTheTypesAsData() {
        assertThat(HeaderDetection.isHeader(List.of("1", "2.5", "2024-05-31"), List.of(BIGINT, DOUBLE_PRECISION, DATE), null)).isFalse();
        assertThat(HeaderDetection.isHeader(List.of("Vila", "42.5"), List.of(TEXT, DOUBLE_PRECISION), null)).isFalse();
    }

    @Test
    void takesDistinctNonEmptyTextAsAHeaderWhenEveryColumnIsText() {
        assertThat(HeaderDetection.isHeader(List.of("name", "city"), List.of(TEXT, TEXT), null)).isTrue();
        assertThat(HeaderDetection.isHeader(List.of("a", "a"), List.of(TEXT, TEXT), null)).isFalse();
        assertThat(HeaderDetection.isHeader(Arrays.asList("a", null), List.of(TEXT, TEXT), null)).isFalse();
        assertThat(HeaderDetection.isHeader(List.of("a", " "), List.of(TEXT, TEXT), null)).isFalse();
    }

    @Test
    void takesTheExistingTablesColumnNamesAsAHeader() {
        assertThat(HeaderDetection.isHeader(List.of("ID", "Label"), List.of(BIGINT, TEXT), List.of("id", "label", "extra"))).isTrue();
        assertThat(HeaderDetection.isHeader(List.of("7", "x"), List.of(BIGINT, TEXT), List.of("id", "label"))).isFalse();
    }
}

package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ColumnType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnProfileTest {

    private static ColumnProfile profile(byte kind, String... values) {
        ColumnProfile profile = new ColumnProfile("c");
        for (int i = 0; i < values.length; i++) {
            profile.observe(kind, values[i], i + 1, i + 2);
        }
        return profile;
    }

    @Test
    void picksTheNarrowestTypeEveryValueFits() {
        assertThat(profile(SourceRecord.TEXT, "1", "2", "-3").type()).isEqualTo(ColumnType.BIGINT);
        assertThat(profile(SourceRecord.TEXT, "1", "2.5").type()).isEqualTo(ColumnType.DOUBLE_PRECISION);
        assertThat(profile(SourceRecord.TEXT, "true", "False").type()).isEqualTo(ColumnType.BOOLEAN);
        assertThat(profile(SourceRecord.TEXT, "2024-05-31", "2024-06-01").type()).isEqualTo(ColumnType.DATE);
        assertThat(profile(SourceRecord.TEXT, "2024-05-31", "2024-06-01T10:00Z").type()).isEqualTo(ColumnType.TIMESTAMPTZ);
        assertThat(profile(SourceRecord.TEXT, "1", "x").type()).isEqualTo(ColumnType.TEXT);
        assertThat(profile(SourceRecord.TEXT, "1", "true").type()).isEqualTo(ColumnType.TEXT);
        assertThat(profile(SourceRecord.TEXT, "01", "02").type()).isEqualTo(ColumnType.TEXT);
    }

    @Test
    void ignoresEmptyValuesAndCallsAnEmptyColumnText() {
        assertThat(profile(SourceRecord.TEXT, "", "7", null, "8").type()).isEqualTo(ColumnType.BIGINT);
        assertThat(profile(SourceRecord.TEXT, "", null, "").type()).isEqualTo(ColumnType.TEXT);
        assertThat(profile(SourceRecord.TEXT).type()).isEqualTo(ColumnType.TEXT);
    }

    @Test
    void typesJsonFieldsByTheirJsonValuesAndNumericStrings() {
        ColumnProfile elevation = new ColumnProfile("elevation_ft");
        elevation.observe(SourceRecord.TEXT, "66", 1, 1);
        elevation.observe(SourceRecord.NUMBER, "4204", 2, 2);
        elevation.observe(SourceRecord.TEXT, "", 3, 3);
        assertThat(elevation.type()).isEqualTo(ColumnType.BIGINT);
        assertThat(elevation.conflict()).isNull();
        assertThat(profile(SourceRecord.NUMBER, "1", "1.5").type()).isEqualTo(ColumnType.DOUBLE_PRECISION);
        assertThat(profile(SourceRecord.BOOLEAN, "true", "false").type()).isEqualTo(ColumnType.BOOLEAN);
    }

    @Test
    void reportsAStringInAFieldOfJsonNumbers() {
        ColumnProfile id = new ColumnProfile("id");
        id.observe(SourceRecord.NUMBER, "1", 1, 2);
        id.observe(SourceRecord.TEXT, "two", 2, 3);
        id.observe(SourceRecord.TEXT, "three", 3, 4);

        ColumnProfile.Conflict conflict = id.conflict();
        assertThat(conflict).isNotNull();
        assertThat(conflict.record()).isEqualTo(2);
        assertThat(conflict.line()).isEqualTo(3);
        assertThat(conflict.reason()).startsWith("field 'id' holds a JSON number (first in record 1) but this record has the string \"two\"");
    }

    @Test
    void reportsAJsonNumberInAFieldOfText() {
        ColumnProfile code = new ColumnProfile("code");
        code.observe(SourceRecord.TEXT, "abc", 1, 1);
        code.observe(SourceRecord.NUMBER, "5", 2, 2);

        assertThat(code.conflict().record()).isEqualTo(2);
        assertThat(code.conflict().reason()).startsWith("field 'code' holds the string \"abc\" (record 1) but this record has a JSON number");
    }

    @Test
    void reportsNumbersMixedWithBooleans() {
        ColumnProfile flag = new ColumnProfile("flag");
        flag.observe(SourceRecord.NUMBER, "1", 1, 1);
        flag.observe(SourceRecord.BOOLEAN, "true", 2, 2);

        assertThat(flag.conflict().reason()).startsWith("field 'flag' holds a JSON number (first in record 1) but this record has a JSON boolean");
    }

    @Test
    void makesAnyFieldWithObjectsOrArraysJsonb() {
        ColumnProfile tags = new ColumnProfile("tags");
        tags.observe(SourceRecord.STRUCTURE, "[\"a\"]", 1, 1);
        tags.observe(SourceRecord.NUMBER, "5", 2, 2);
        tags.observe(SourceRecord.TEXT, "plain", 3, 3);

        assertThat(tags.type()).isEqualTo(ColumnType.JSONB);
        assertThat(tags.conflict()).isNull();
    }
}

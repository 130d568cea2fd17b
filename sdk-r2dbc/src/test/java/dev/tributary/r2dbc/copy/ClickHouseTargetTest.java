package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ColumnType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseTargetTest {

    private static String misfit(ClickHouseTarget target, byte kind, String value) {
        Object converted = target.convert(kind, value);
        assertThat(converted).isInstanceOf(ClickHouseTarget.Misfit.class);
        return ((ClickHouseTarget.Misfit) converted).reason();
    }

    @Test
    void createsNullableColumnsForEachInferredType() {
        assertThat(ClickHouseTarget.createdType(ColumnType.BIGINT)).isEqualTo("Nullable(Int64)");
        assertThat(ClickHouseTarget.createdType(ColumnType.DOUBLE_PRECISION)).isEqualTo("Nullable(Float64)");
        assertThat(ClickHouseTarget.createdType(ColumnType.BOOLEAN)).isEqualTo("Nullable(UInt8)");
        assertThat(ClickHouseTarget.createdType(ColumnType.DATE)).isEqualTo("Nullable(Date)");
        assertThat(ClickHouseTarget.createdType(ColumnType.TIMESTAMPTZ)).isEqualTo("Nullable(DateTime('UTC'))");
        assertThat(ClickHouseTarget.createdType(ColumnType.JSONB)).isEqualTo("Nullable(String)");
        assertThat(ClickHouseTarget.createdType(ColumnType.TEXT)).isEqualTo("Nullable(String)");
    }

    @Test
    void convertsCheckedValuesAndKeepsEmptyStringsOnlyInText() {
        ClickHouseTarget integer = ClickHouseTarget.existing("n", "Nullable(Int16)");
        assertThat(integer.convert(SourceRecord.TEXT, " +42 ")).isEqualTo(42L);
        assertThat(integer.convert(SourceRecord.TEXT, "")).isNull();
        assertThat(misfit(integer, SourceRecord.TEXT, "40000")).isEqualTo("\"40000\" is not a Nullable(Int16)");
        assertThat(misfit(integer, SourceRecord.BOOLEAN, "true")).contains("a JSON boolean true");
        assertThat(ClickHouseTarget.existing("u", "UInt64").convert(SourceRecord.NUMBER, "18446744073709551615"))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(misfit(ClickHouseTarget.existing("u", "UInt64"), SourceRecord.NUMBER, "-1")).contains("is not a UInt64");
        assertThat(ClickHouseTarget.existing("d", "Decimal(9, 2)").convert(SourceRecord.TEXT, "12.50")).isEqualTo(new BigDecimal("12.50"));
        assertThat(misfit(ClickHouseTarget.existing("d", "Decimal(9, 2)"), SourceRecord.TEXT, "NaN")).contains("Decimal(9, 2)");
        ClickHouseTarget floating = ClickHouseTarget.created("f", ColumnType.DOUBLE_PRECISION, "");
        assertThat(floating.convert(SourceRecord.TEXT, "-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(floating.convert(SourceRecord.NUMBER, "1e3")).isEqualTo(1000.0);
        ClickHouseTarget flag = ClickHouseTarget.created("b", ColumnType.BOOLEAN, "");
        assertThat(flag.convert(SourceRecord.BOOLEAN, "true")).isEqualTo(true);
        assertThat(flag.convert(SourceRecord.TEXT, "off")).isEqualTo(false);
        ClickHouseTarget text = ClickHouseTarget.created("t", ColumnType.TEXT, "");
        assertThat(text.convert(SourceRecord.TEXT, "")).isEqualTo("");
        assertThat(text.convert(SourceRecord.TEXT, null)).isNull();
        assertThat(ClickHouseTarget.existing("o", "Array(Int32)").convert(SourceRecord.TEXT, "[1,2]")).isEqualTo("[1,2]");
    }

    @Test
    void keepsDatesAndDateTimesInsideClickHousesRanges() {
        ClickHouseTarget date = ClickHouseTarget.created("d", ColumnType.DATE, "");
        assertThat(date.convert(SourceRecord.TEXT, "2105-12-31")).isEqualTo(LocalDate.of(2105, 12, 31));
        assertThat(misfit(date, SourceRecord.TEXT, "1969-12-31")).contains("outside the range of ClickHouse's Date");
        assertThat(misfit(date, SourceRecord.TEXT, "31/12/2020")).contains("expected an ISO 8601 date");
        ClickHouseTarget at = ClickHouseTarget.created("at", ColumnType.TIMESTAMPTZ, " (inferred)");
        assertThat(at.convert(SourceRecord.TEXT, "2024-05-31 14:30:15.75+02")).isEqualTo(Instant.parse("2024-05-31T12:30:15Z"));
        assertThat(at.convert(SourceRecord.TEXT, "2024-05-31T14:30+0130")).isEqualTo(Instant.parse("2024-05-31T13:00:00Z"));
        assertThat(at.convert(SourceRecord.TEXT, "2024-05-31T14:30:00")).isEqualTo(Instant.parse("2024-05-31T14:30:00Z"));
        assertThat(at.convert(SourceRecord.TEXT, "2024-05-31")).isEqualTo(Instant.parse("2024-05-31T00:00:00Z"));
        assertThat(misfit(at, SourceRecord.TEXT, "1969-12-31T23:59:59Z")).contains("outside the range of ClickHouse's DateTime");
        assertThat(at.typeNote()).isEqualTo(" (inferred)");
    }

    @Test
    void quotesClickHouseIdentifiers() {
        assertThat(ClickHouseLoad.quoted(new TableName("db", "we`ird\\name"))).isEqualTo("`db`.`we\\`ird\\\\name`");
        assertThat(ClickHouseLoad.createSql(new TableName("default", "t"),
                java.util.List.of(ClickHouseTarget.created("a b", ColumnType.BIGINT, ""))))
                .isEqualTo("CREATE TABLE `default`.`t` (`a b` Nullable(Int64)) ENGINE = MergeTree ORDER BY tuple()");
    }
}

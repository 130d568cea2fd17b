package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseTypeTest {

    @Test
    void mapsEveryIntegerWidthToItsDocumentedJavaType() {
        assertThat(ClickHouseType.parse("Int8").javaType()).isEqualTo(Byte.class);
        assertThat(ClickHouseType.parse("Int16").javaType()).isEqualTo(Short.class);
        assertThat(ClickHouseType.parse("Int32").javaType()).isEqualTo(Integer.class);
        assertThat(ClickHouseType.parse("Int64").javaType()).isEqualTo(Long.class);
        assertThat(ClickHouseType.parse("UInt8").javaType()).isEqualTo(Short.class);
        assertThat(ClickHouseType.parse("UInt16").javaType()).isEqualTo(Integer.class);
        assertThat(ClickHouseType.parse("UInt32").javaType()).isEqualTo(Long.class);
        for (String big : List.of("UInt64", "Int128", "UInt128", "Int256", "UInt256")) {
            assertThat(ClickHouseType.parse(big).javaType()).as(big).isEqualTo(BigInteger.class);
            assertThat(ClickHouseType.parse(big).base()).isEqualTo(big);
        }
        assertThat(ClickHouseType.parse("Float32").javaType()).isEqualTo(Float.class);
        assertThat(ClickHouseType.parse("Float64").javaType()).isEqualTo(Double.class);
        assertThat(ClickHouseType.parse("IntervalSecond").javaType()).isEqualTo(Long.class);
    }

    @Test
    void parsesDecimalsWithPrecisionAndScale() {
        ClickHouseType d = ClickHouseType.parse("Decimal(18, 4)");
        assertThat(d.base()).isEqualTo("Decimal");
        assertThat(d.javaType()).isEqualTo(BigDecimal.class);
        assertThat(d.precision()).isEqualTo(18);
        assertThat(d.scale()).isEqualTo(4);
        assertThat(ClickHouseType.parse("Decimal32(2)").precision()).isEqualTo(9);
        assertThat(ClickHouseType.parse("Decimal64(3)").precision()).isEqualTo(18);
        assertThat(ClickHouseType.parse("Decimal128(10)").scale()).isEqualTo(10);
        assertThat(ClickHouseType.parse("Decimal256(1)").precision()).isEqualTo(76);
        assertThat(ClickHouseType.parse("Decimal(9,2)").scale()).isEqualTo(2);
    }

    @Test
    void unwrapsNullableAndLowCardinality() {
        ClickHouseType t = ClickHouseType.parse("Nullable(LowCardinality(String))");
        assertThat(t.name()).isEqualTo("Nullable(LowCardinality(String))");
        assertThat(t.base()).isEqualTo("String");
        assertThat(t.isNullable()).isTrue();
        assertThat(t.isLowCardinality()).isTrue();
        assertThat(t.javaType()).isEqualTo(String.class);
        ClickHouseType lc = ClickHouseType.parse("LowCardinality(Nullable(String))");
        assertThat(lc.isNullable()).isTrue();
        assertThat(ClickHouseType.parse("String").isNullable()).isFalse();
        assertThat(ClickHouseType.parse("Nullable(Decimal(10, 2))").scale()).isEqualTo(2);
    }

    @Test
    void parsesDateTimeZonesAndDateTime64() {
        ClickHouseType plain = ClickHouseType.parse("DateTime");
        assertThat(plain.zone()).isNull();
        assertThat(plain.javaType()).isEqualTo(LocalDateTime.class);
        ClickHouseType paris = ClickHouseType.parse("DateTime('Europe/Paris')");
        assertThat(paris.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(paris.base()).isEqualTo("DateTime");
        ClickHouseType d64 = ClickHouseType.parse("Nullable(DateTime64(3, 'Asia/Tokyo'))");
        assertThat(d64.scale()).isEqualTo(3);
        assertThat(d64.zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(d64.isNullable()).isTrue();
        assertThat(ClickHouseType.parse("DateTime64(6)").zone()).isNull();
        assertThat(ClickHouseType.parse("Date").javaType()).isEqualTo(LocalDate.class);
        assertThat(ClickHouseType.parse("Date32").javaType()).isEqualTo(LocalDate.class);
    }

    @Test
    void parsesArraysNestedAndWithNullableElements() {
        ClickHouseType t = ClickHouseType.parse("Array(Array(Nullable(Int32)))");
        assertThat(t.javaType()).isEqualTo(List.class);
        assertThat(t.base()).isEqualTo("Array");
        assertThat(t.elementType().base()).isEqualTo("Array");
        assertThat(t.elementType().elementType().isNullable()).isTrue();
        assertThat(t.elementType().elementType().name()).isEqualTo("Nullable(Int32)");
        assertThat(ClickHouseType.parse("Int32").elementType()).isNull();
    }

    @Test
    void parsesEnumsWithCommasParenthesesAndEscapedQuotesInTheirNames() {
        ClickHouseType e = ClickHouseType.parse("Enum8('it\\'s' = -3, 'a' = 1, 'b,)' = 2, '(x' = 3)");
        assertThat(e.base()).isEqualTo("Enum8");
        assertThat(e.javaType()).isEqualTo(String.class);
        assertThat(e.enumValues()).containsExactly(
                java.util.Map.entry("it's", -3), java.util.Map.entry("a", 1), java.util.Map.entry("b,)", 2),
                java.util.Map.entry("(x", 3));
        assertThat(ClickHouseType.parse("Enum16('x' = 1000)").enumValues()).containsEntry("x", 1000);
    }

    @Test
    void mapsTheOtherTypes() {
        assertThat(ClickHouseType.parse("UUID").javaType()).isEqualTo(UUID.class);
        assertThat(ClickHouseType.parse("Bool").javaType()).isEqualTo(Boolean.class);
        assertThat(ClickHouseType.parse("Nullable(Nothing)").javaType()).isEqualTo(Object.class);
        assertThat(ClickHouseType.parse("IPv4").javaType()).isEqualTo(String.class);
        assertThat(ClickHouseType.parse("IPv6").javaType()).isEqualTo(String.class);
        ClickHouseType fs = ClickHouseType.parse("FixedString(16)");
        assertThat(fs.javaType()).isEqualTo(String.class);
        assertThat(fs.precision()).isEqualTo(16);
        ClickHouseType tuple = ClickHouseType.parse("Tuple(UInt8, String)");
        assertThat(tuple.javaType()).isEqualTo(String.class);
        assertThat(tuple.arguments()).containsExactly("UInt8", "String");
        assertThat(ClickHouseType.parse("Map(String, Array(UInt8))").base()).isEqualTo("Map");
        assertThat(ClickHouseType.parse("Nested(a UInt8, b String)").base()).isEqualTo("Nested");
        assertThat(ClickHouseType.parse("Tuple()").arguments()).isEmpty();
        ClickHouseType agg = ClickHouseType.parse("SimpleAggregateFunction(sum, UInt64)");
        assertThat(agg.javaType()).isEqualTo(BigInteger.class);
    }

    @Test
    void keepsUnknownTypesAsStringsWithTheirName() {
        ClickHouseType t = ClickHouseType.parse("AggregateFunction(uniq, String)");
        assertThat(t.javaType()).isEqualTo(String.class);
        assertThat(t.base()).isEqualTo("AggregateFunction");
        assertThat(t.name()).isEqualTo("AggregateFunction(uniq, String)");
        assertThat(ClickHouseType.parse("Object('json')").base()).isEqualTo("Object");
    }

    @Test
    void parsesEveryTypeOfTheRealHeader() {
        String types = new String(TabSeparatedReaderTest.resource("all-types.tsv"), java.nio.charset.StandardCharsets.UTF_8)
                .split("\n")[1];
        for (String escaped : types.split("\t")) {
            String name = TsvEscaping.unescape(escaped, 0, escaped.length());
            assertThat(ClickHouseType.parse(name).name()).isEqualTo(name);
        }
    }

    @Test
    void rejectsMalformedNamesNamingTheTextAndPosition() {
        assertThatThrownBy(() -> ClickHouseType.parse("Array(Int32"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Array(Int32'")
                .hasMessageContaining("position 5");
        assertThatThrownBy(() -> ClickHouseType.parse("Decimal(x, 2)")).hasMessageContaining("'Decimal(x, 2)'")
                .hasMessageContaining("position 0");
        assertThatThrownBy(() -> ClickHouseType.parse("Enum8('a = 1)")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> ClickHouseType.parse("")).hasMessageContaining("position 0");
        assertThatThrownBy(() -> ClickHouseType.parse("Int32)")).hasMessageContaining("position 5");
        assertThatThrownBy(() -> ClickHouseType.parse("DateTime('Mars/Olympus')")).hasMessageContaining("Mars/Olympus");
        assertThatThrownBy(() -> ClickHouseType.parse("Nullable()")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseType.parse("Array(Int32, Int8)")).hasMessageContaining("one type argument");
        assertThatThrownBy(() -> ClickHouseType.parse("FixedString")).hasMessageContaining("FixedString(N)");
        assertThatThrownBy(() -> ClickHouseType.parse("Int32(4)")).hasMessageContaining("no arguments");
        assertThatThrownBy(() -> ClickHouseType.parse("Array(Int32 x)")).hasMessageContaining("Array(Int32 x)");
    }

    @Test
    void equalTypesHaveEqualNames() {
        assertThat(ClickHouseType.parse("Int32")).isEqualTo(ClickHouseType.parse("Int32")).hasToString("Int32");
        assertThat(ClickHouseType.parse("Int32")).isNotEqualTo(ClickHouseType.parse("Int64"));
    }
}

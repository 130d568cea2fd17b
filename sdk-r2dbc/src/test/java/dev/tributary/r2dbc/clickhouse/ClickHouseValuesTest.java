package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseValuesTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static Object decode(String type, String raw) {
        return ClickHouseValues.decode(ClickHouseType.parse(type), raw, UTC);
    }

    @Test
    void decodesEveryValueOfTheRealAllTypesBody() {
        byte[] body = TabSeparatedReaderTest.resource("all-types.tsv");
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        String[] types = lines[1].split("\t");
        String[] raw = lines[2].split("\t", -1);
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            ClickHouseType type = ClickHouseType.parse(TsvEscaping.unescape(types[i], 0, types[i].length()));
            Object value = ClickHouseValues.decode(type, raw[i], UTC);
            if (value != null) {
                assertThat(value).as("column %d %s", i, type).isInstanceOf(type.javaType());
            }
            values.add(value);
        }
        assertThat(values).containsExactly(
                (byte) -128, (short) -32768, Integer.MIN_VALUE, Long.MIN_VALUE,
                (short) 255, 65535, 4294967295L, new BigInteger("18446744073709551615"),
                1.5f, -2.25e-10, Double.NaN, Double.NEGATIVE_INFINITY,
                new BigDecimal("-1.25"), new BigDecimal("123456789.123456789"), new BigDecimal("-12345678901234567890.1234567890"),
                "tab\there\nnew line \\ back 'quote' \0nul é 日本 🎉", "ab\0\0",
                LocalDate.of(2024, 2, 29), LocalDate.EPOCH, LocalDateTime.of(2024, 2, 29, 13, 45, 7),
                LocalDateTime.of(1970, 1, 1, 0, 0), UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"),
                "b,)", "x", 7, null, null,
                List.of((short) 1, (short) 2, (short) 3), List.of("a", "b'c", "tab\tx", ""),
                List.of(List.of((short) 1, (short) 2), List.of(), List.of((short) 3)), Arrays.asList(null, (short) 1),
                List.of(LocalDate.of(2020, 1, 1)), "(1,'a\\'b')", "lc");
    }

    @Test
    void unescapesEveryTsvEscapeAndTreatsOnlyAWholeBackslashNAsNull() {
        assertThat(decode("String", "\\b\\f\\r\\n\\t\\0\\'\\\\\\a\\v\\x41\\N")).isEqualTo("\b\f\r\n\t\0'\\\u0007\u000BAN");
        assertThat(decode("String", "\\N")).isNull();
        assertThat(decode("Nullable(String)", "\\N")).isNull();
        assertThat(decode("String", "\\\\N")).isEqualTo("\\N");
        assertThat(decode("String", "")).isEqualTo("");
        assertThat(decode("String", "plain")).isEqualTo("plain");
        assertThat(decode("Enum8('a\\tb' = 1)", "a\\tb")).isEqualTo("a\tb");
    }

    @Test
    void decodesNumbersAndFloatSpecials() {
        assertThat(decode("Float32", "inf")).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(decode("Float32", "-nan")).isEqualTo(Float.NaN);
        assertThat(decode("Float64", "+inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(decode("Float64", "1e308")).isEqualTo(1e308);
        assertThat(decode("UInt64", "0")).isEqualTo(BigInteger.ZERO);
        assertThat(decode("Int128", "-170141183460469231731687303715884105728"))
                .isEqualTo(new BigInteger("-170141183460469231731687303715884105728"));
        assertThat(decode("Decimal(38, 2)", "-0.50")).isEqualTo(new BigDecimal("-0.50"));
        assertThat(decode("Bool", "true")).isEqualTo(true);
        assertThat(decode("Bool", "0")).isEqualTo(false);
        assertThat(decode("IntervalDay", "3")).isEqualTo(3L);
    }

    @Test
    void decodesDatesAndDateTimesWithTheirZeroForms() {
        assertThat(decode("Date", "0000-00-00")).isEqualTo(LocalDate.EPOCH);
        assertThat(decode("Date32", "1900-01-01")).isEqualTo(LocalDate.of(1900, 1, 1));
        assertThat(decode("DateTime", "2024-02-29 23:59:59")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59));
        // the zero DateTime is the epoch, as a wall time in the column's zone
        assertThat(ClickHouseValues.decode(ClickHouseType.parse("DateTime('Asia/Tokyo')"), "0000-00-00 00:00:00", UTC))
                .isEqualTo(LocalDateTime.of(1970, 1, 1, 9, 0));
        assertThat(ClickHouseValues.decode(ClickHouseType.parse("DateTime"), "0000-00-00 00:00:00", ZoneId.of("Europe/Paris")))
                .isEqualTo(LocalDateTime.of(1970, 1, 1, 1, 0));
        assertThat(decode("DateTime64(3)", "2024-02-29 23:59:59.120")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 120_000_000));
        assertThat(decode("DateTime64(9)", "2024-02-29 23:59:59.123456789")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123456789));
    }

    @Test
    void decodesArraysOfEveryShape() {
        assertThat(decode("Array(Int32)", "[]")).isEqualTo(List.of());
        assertThat(decode("Array(String)", "['a','b\\'c','\\\\','[x]',',']")).isEqualTo(List.of("a", "b'c", "\\", "[x]", ","));
        assertThat(decode("Array(Nullable(String))", "[NULL,'NULL']")).isEqualTo(Arrays.asList(null, "NULL"));
        assertThat(decode("Array(Array(String))", "[['a'],[],['b','c']]"))
                .isEqualTo(List.of(List.of("a"), List.of(), List.of("b", "c")));
        assertThat(decode("Array(Float64)", "[nan,-inf,1.5]")).isEqualTo(List.of(Double.NaN, Double.NEGATIVE_INFINITY, 1.5));
        assertThat(decode("Array(DateTime('Europe/Paris'))", "['2024-01-01 10:00:00']"))
                .isEqualTo(List.of(LocalDateTime.of(2024, 1, 1, 10, 0)));
        assertThat(decode("Array(UUID)", "['61f0c404-5cb3-11e7-907b-a6006ad3dba0']"))
                .isEqualTo(List.of(UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0")));
        assertThat(decode("Array(Decimal(9, 2))", "[1.50,-2.00]")).isEqualTo(List.of(new BigDecimal("1.50"), new BigDecimal("-2.00")));
        assertThat(decode("Array(Tuple(UInt8, String))", "[(1,'a)'),(2,'b')]")).isEqualTo(List.of("(1,'a)')", "(2,'b')"));
        assertThat(decode("Array(Nullable(Nothing))", "[NULL]")).isEqualTo(Arrays.asList((Object) null));
        assertThat(decode("Array(FixedString(2))", "['a\\0']")).isEqualTo(List.of("a\0"));
    }

    @Test
    void rejectsMalformedFieldsNamingTypeAndText() {
        assertThatThrownBy(() -> decode("Int32", "x1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x1'").hasMessageContaining("Int32");
        assertThatThrownBy(() -> decode("UInt8", "256")).hasMessageContaining("UInt8");
        assertThatThrownBy(() -> decode("Date", "2024-13-01")).hasMessageContaining("Date");
        assertThatThrownBy(() -> decode("DateTime", "2024-01-01T00:00:00")).hasMessageContaining("DateTime");
        assertThatThrownBy(() -> decode("Array(Int32)", "[1,2")).hasMessageContaining("Array(Int32)");
        assertThatThrownBy(() -> decode("Array(String)", "['a]")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> decode("UUID", "nope")).hasMessageContaining("UUID");
    }

    @Test
    void convertsNumbersWithOverflowChecks() {
        assertThat(ClickHouseValues.convert((short) 7, Integer.class, "c")).isEqualTo(7);
        assertThat(ClickHouseValues.convert((short) 7, int.class, "c")).isEqualTo(7);
        assertThat(ClickHouseValues.convert(new BigInteger("9223372036854775807"), Long.class, "c")).isEqualTo(Long.MAX_VALUE);
        assertThat(ClickHouseValues.convert(4294967295L, BigInteger.class, "c")).isEqualTo(new BigInteger("4294967295"));
        assertThat(ClickHouseValues.convert(7, BigDecimal.class, "c")).isEqualTo(new BigDecimal(7));
        assertThat(ClickHouseValues.convert(1.5f, Double.class, "c")).isEqualTo(1.5);
        assertThat(ClickHouseValues.convert(1.1f, BigDecimal.class, "c")).isEqualTo(new BigDecimal("1.1"));
        assertThat(ClickHouseValues.convert(new BigDecimal("2.000"), Integer.class, "c")).isEqualTo(2);
        assertThat(ClickHouseValues.convert(new BigInteger("18446744073709551615"), Double.class, "c")).isEqualTo(1.8446744073709552E19);
        assertThatThrownBy(() -> ClickHouseValues.convert(new BigInteger("18446744073709551615"), Long.class, "big"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'big'")
                .hasMessageContaining("java.math.BigInteger").hasMessageContaining("java.lang.Long");
        assertThatThrownBy(() -> ClickHouseValues.convert(4294967295L, Integer.class, "c")).hasMessageContaining("overflow");
        assertThatThrownBy(() -> ClickHouseValues.convert(300, Byte.class, "c")).hasMessageContaining("overflow");
        assertThatThrownBy(() -> ClickHouseValues.convert(new BigDecimal("1.5"), Long.class, "c")).hasMessageContaining("java.lang.Long");
        assertThatThrownBy(() -> ClickHouseValues.convert(Double.NaN, BigDecimal.class, "c")).hasMessageContaining("NaN");
    }

    @Test
    void convertsToStringObjectAndTheValuesOwnClass() {
        assertThat(ClickHouseValues.convert(new BigDecimal("1E+3"), String.class, "c")).isEqualTo("1000");
        assertThat(ClickHouseValues.convert(5L, String.class, "c")).isEqualTo("5");
        assertThat(ClickHouseValues.convert(List.of(1), Object.class, "c")).isEqualTo(List.of(1));
        assertThat(ClickHouseValues.convert("x", String.class, "c")).isEqualTo("x");
        assertThat(ClickHouseValues.convert(null, Integer.class, "c")).isNull();
        assertThat(ClickHouseValues.convert(List.of(1, 2), List.class, "c")).isEqualTo(List.of(1, 2));
    }

    @Test
    void convertsDateTimesToInstantsInTheColumnZone() {
        LocalDateTime wall = LocalDateTime.of(2024, 7, 1, 12, 0);
        ZoneId paris = ZoneId.of("Europe/Paris");
        assertThat(ClickHouseValues.convert(wall, Instant.class, "c", paris)).isEqualTo(Instant.parse("2024-07-01T10:00:00Z"));
        assertThat(ClickHouseValues.convert(wall, OffsetDateTime.class, "c", paris))
                .isEqualTo(OffsetDateTime.parse("2024-07-01T12:00:00+02:00"));
        assertThat(ClickHouseValues.convert(wall, ZonedDateTime.class, "c", paris)).isEqualTo(wall.atZone(paris));
        assertThat(ClickHouseValues.convert(wall, LocalDate.class, "c", paris)).isEqualTo(LocalDate.of(2024, 7, 1));
        assertThat(ClickHouseValues.convert(LocalDate.of(2024, 7, 1), LocalDateTime.class, "c")).isEqualTo(wall.truncatedTo(ChronoUnit.DAYS));
        assertThatThrownBy(() -> ClickHouseValues.convert(wall, Instant.class, "when"))
                .hasMessageContaining("'when'").hasMessageContaining("time zone is unknown");
    }

    @Test
    void convertsBooleansBytesUuidsAddressesEnumsAndArrays() {
        assertThat(ClickHouseValues.convert((short) 1, Boolean.class, "c")).isTrue();
        assertThat(ClickHouseValues.convert((short) 0, boolean.class, "c")).isFalse();
        assertThatThrownBy(() -> ClickHouseValues.convert((short) 2, Boolean.class, "c")).hasMessageContaining("java.lang.Boolean");
        assertThat(ClickHouseValues.convert(true, Integer.class, "c")).isEqualTo(1);
        assertThat(ClickHouseValues.convert("ab\0\0", byte[].class, "c")).containsExactly('a', 'b', 0, 0);
        assertThat(ClickHouseValues.convert("é", byte[].class, "c")).containsExactly(0xC3, 0xA9);
        assertThat(ClickHouseValues.convert("61f0c404-5cb3-11e7-907b-a6006ad3dba0", UUID.class, "c"))
                .isEqualTo(UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"));
        assertThat(ClickHouseValues.convert("10.0.0.1", InetAddress.class, "c")).isInstanceOf(Inet4Address.class)
                .hasToString("/10.0.0.1");
        assertThatThrownBy(() -> ClickHouseValues.convert("example.com", InetAddress.class, "c"))
                .hasMessageContaining("not a literal IP address");
        assertThat(ClickHouseValues.convert("SECONDS", ChronoUnit.class, "c")).isEqualTo(ChronoUnit.SECONDS);
        assertThat(ClickHouseValues.convert(List.of((short) 1, (short) 2), int[].class, "c")).containsExactly(1, 2);
        assertThat(ClickHouseValues.convert(List.of("a"), String[].class, "c")).containsExactly("a");
        assertThatThrownBy(() -> ClickHouseValues.convert(Arrays.asList(1, null), int[].class, "arr"))
                .hasMessageContaining("NULL element 1");
    }

    @Test
    void rejectsUnsupportedConversionsNamingColumnValueTypeAndTarget() {
        assertThatThrownBy(() -> ClickHouseValues.convert(LocalDate.EPOCH, UUID.class, "day"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot convert column 'day' value of type java.time.LocalDate to java.util.UUID: unsupported conversion");
        assertThatThrownBy(() -> ClickHouseValues.convert("x", Integer.class, "s")).hasMessageContaining("java.lang.String")
                .hasMessageContaining("java.lang.Integer");
    }
}

package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseLiteralsTest {

    private static String tsv(Object value) {
        StringBuilder out = new StringBuilder();
        ClickHouseLiterals.appendTsvField(out, value);
        return out.toString();
    }

    @Test
    void escapesStringLiterals() {
        assertThat(ClickHouseLiterals.literal("it's")).isEqualTo("'it\\'s'");
        assertThat(ClickHouseLiterals.literal("a\\b")).isEqualTo("'a\\\\b'");
        assertThat(ClickHouseLiterals.literal("\t\n\r\0\b\f")).isEqualTo("'\\t\\n\\r\\0\\b\\f'");
        assertThat(ClickHouseLiterals.literal("\u0001\u001F\u007F")).isEqualTo("'\\x01\\x1F\\x7F'");
        assertThat(ClickHouseLiterals.literal("é 日本 🎉 \u2028")).isEqualTo("'é 日本 🎉 \u2028'");
        assertThat(ClickHouseLiterals.literal("")).isEqualTo("''");
        assertThat(ClickHouseLiterals.literal(new StringBuilder("sb"))).isEqualTo("'sb'");
        assertThat(ClickHouseLiterals.literal('\'')).isEqualTo("'\\''");
        assertThat(ClickHouseLiterals.literal(null)).isEqualTo("NULL");
        assertThatThrownBy(() -> ClickHouseLiterals.literal("x\uD800")).hasMessageContaining("unpaired surrogate at index 1");
    }

    @Test
    void rendersNumbersWithoutExponentTrouble() {
        assertThat(ClickHouseLiterals.literal(-5)).isEqualTo("-5");
        assertThat(ClickHouseLiterals.literal(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
        assertThat(ClickHouseLiterals.literal(new BigInteger("18446744073709551615"))).isEqualTo("18446744073709551615");
        assertThat(ClickHouseLiterals.literal(new BigDecimal("1E+10"))).isEqualTo("10000000000");
        assertThat(ClickHouseLiterals.literal(new BigDecimal("1.50E-7"))).isEqualTo("0.000000150");
        assertThat(ClickHouseLiterals.literal(1.0e10)).isEqualTo("1.0E10");
        assertThat(ClickHouseLiterals.literal(Double.NaN)).isEqualTo("nan");
        assertThat(ClickHouseLiterals.literal(Float.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(ClickHouseLiterals.literal(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(ClickHouseLiterals.literal(true)).isEqualTo("1");
        assertThat(ClickHouseLiterals.literal(false)).isEqualTo("0");
    }

    @Test
    void rendersDatesAndInstantsExactly() {
        assertThat(ClickHouseLiterals.literal(LocalDate.of(2024, 2, 29))).isEqualTo("toDate('2024-02-29')");
        assertThat(ClickHouseLiterals.literal(LocalDateTime.of(2024, 2, 29, 1, 2, 3))).isEqualTo("toDateTime('2024-02-29 01:02:03')");
        assertThat(ClickHouseLiterals.literal(LocalDateTime.of(2024, 2, 29, 1, 2, 3, 4000)))
                .isEqualTo("toDateTime64('2024-02-29 01:02:03.000004000', 9)");
        assertThat(ClickHouseLiterals.literal(Instant.parse("2024-02-29T01:02:03Z"))).isEqualTo("toDateTime('2024-02-29 01:02:03', 'UTC')");
        assertThat(ClickHouseLiterals.literal(OffsetDateTime.parse("2024-02-29T01:02:03+02:00")))
                .isEqualTo("toDateTime('2024-02-28 23:02:03', 'UTC')");
        assertThat(ClickHouseLiterals.literal(ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 500_000_000, ZoneId.of("Europe/Paris"))))
                .isEqualTo("toDateTime64('2024-07-01 10:00:00.500000000', 9, 'UTC')");
    }

    @Test
    void rendersUuidsBytesCollectionsEnumsAndAddresses() throws Exception {
        UUID uuid = UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0");
        assertThat(ClickHouseLiterals.literal(uuid)).isEqualTo("toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')");
        assertThat(ClickHouseLiterals.literal(new byte[] {'a', 0, (byte) 0xFF, '\'', '\\'})).isEqualTo("'a\\x00\\xFF\\'\\\\'");
        assertThat(ClickHouseLiterals.literal(ByteBuffer.wrap(new byte[] {1, 'z'}))).isEqualTo("'\\x01z'");
        assertThat(ClickHouseLiterals.literal(List.of(1, 2))).isEqualTo("[1, 2]");
        assertThat(ClickHouseLiterals.literal(Arrays.asList("a'", null))).isEqualTo("['a\\'', NULL]");
        assertThat(ClickHouseLiterals.literal(new int[] {1, -2})).isEqualTo("[1, -2]");
        assertThat(ClickHouseLiterals.literal(new String[][] {{"x"}, {}})).isEqualTo("[['x'], []]");
        assertThat(ClickHouseLiterals.literal(List.of())).isEqualTo("[]");
        assertThat(ClickHouseLiterals.literal(ChronoUnit.DAYS)).isEqualTo("'DAYS'");
        assertThat(ClickHouseLiterals.literal(InetAddress.getByName("10.1.2.3"))).isEqualTo("'10.1.2.3'");
        assertThat(ClickHouseLiterals.literal(Set.of(LocalDate.of(2020, 1, 1)))).isEqualTo("[toDate('2020-01-01')]");
    }

    @Test
    void rejectsUnsupportedClassesNamingThem() {
        assertThatThrownBy(() -> ClickHouseLiterals.literal(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> ClickHouseLiterals.literal(java.time.Duration.ZERO)).hasMessageContaining("java.time.Duration");
        assertThatThrownBy(() -> tsv(java.time.LocalTime.NOON)).hasMessageContaining("java.time.LocalTime");
        assertThatThrownBy(() -> ClickHouseLiterals.literal(LocalDateTime.of(-1, 1, 1, 0, 0))).hasMessageContaining("Year");
    }

    @Test
    void writesTabSeparatedFields() {
        assertThat(tsv(null)).isEqualTo("\\N");
        assertThat(tsv("a\tb\nc\\d\re\0'")).isEqualTo("a\\tb\\nc\\\\d\\re\\0'");
        assertThat(tsv("\\N")).isEqualTo("\\\\N");
        assertThat(tsv("é 🎉")).isEqualTo("é 🎉");
        assertThatThrownBy(() -> tsv("\uDC00x")).hasMessageContaining("unpaired surrogate at index 0");
        assertThat(tsv(42L)).isEqualTo("42");
        assertThat(tsv(new BigDecimal("1E+2"))).isEqualTo("100");
        assertThat(tsv(Double.NaN)).isEqualTo("nan");
        assertThat(tsv(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(tsv(1.234e-5)).isEqualTo("0.00001234");
        assertThat(tsv(-1.0e10)).isEqualTo("-10000000000");
        assertThat(tsv(1.5f)).isEqualTo("1.5");
        assertThat(tsv(0.0)).isEqualTo("0.0");
        assertThat(tsv(1.0e300)).isEqualTo("1.0E300");
        assertThat(tsv(List.of(1.0e-7))).isEqualTo("[0.00000010]");
        assertThat(tsv(true)).isEqualTo("1");
        assertThat(tsv(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
        assertThat(tsv(LocalDateTime.of(2024, 2, 29, 1, 2, 3))).isEqualTo("2024-02-29 01:02:03");
        assertThat(tsv(Instant.parse("2020-09-13T12:26:40Z"))).isEqualTo("1600000000");
        assertThat(tsv(Instant.parse("2020-09-13T12:26:40.5Z"))).isEqualTo("1600000000.500000000");
        assertThat(tsv(OffsetDateTime.parse("2020-09-13T14:26:40+02:00"))).isEqualTo("1600000000");
        assertThat(tsv(Instant.ofEpochSecond(-2, 500_000_000))).isEqualTo("-1.500000000");
        assertThat(tsv(UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"))).isEqualTo("61f0c404-5cb3-11e7-907b-a6006ad3dba0");
        assertThat(tsv(new byte[] {'a', '\t', (byte) 0x80, '\\'})).isEqualTo("a\\x09\\x80\\\\");
        assertThat(tsv(ChronoUnit.DAYS)).isEqualTo("DAYS");
    }

    @Test
    void writesArraysInTabSeparatedFieldsWithQuotedElements() {
        assertThat(tsv(List.of("a", "b'c", "t\tx"))).isEqualTo("['a','b\\'c','t\\tx']");
        assertThat(tsv(Arrays.asList(1, null, 3))).isEqualTo("[1,NULL,3]");
        assertThat(tsv(List.of(List.of(1), List.of()))).isEqualTo("[[1],[]]");
        assertThat(tsv(List.of(LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 2)))).isEqualTo("['2020-01-01','2020-01-02']");
        assertThat(tsv(List.of(Instant.parse("2020-09-13T12:26:40Z")))).isEqualTo("['1600000000']");
        assertThat(tsv(new long[] {1, 2})).isEqualTo("[1,2]");
        assertThat(tsv(List.of(UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"))))
                .isEqualTo("['61f0c404-5cb3-11e7-907b-a6006ad3dba0']");
        assertThat(tsv(List.of("a\\b"))).doesNotContain("\t").isEqualTo("['a\\\\b']");
    }

    @Test
    void literalOfEveryCharacterRoundTripsThroughTheDecoder() {
        // what the literal escapes, the server unescapes with the same rules the decoder uses
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            all.append(c);
        }
        all.append("日本🎉");
        String literal = ClickHouseLiterals.literal(all.toString());
        assertThat(literal).doesNotContain("\n").doesNotContain("\t").doesNotContain("\r").doesNotContain("\0");
        assertThat(TsvEscaping.unescape(literal, 1, literal.length() - 1)).isEqualTo(all.toString());
        String field = tsv(all.toString());
        assertThat(field).doesNotContain("\n").doesNotContain("\t");
        assertThat(ClickHouseValues.decode(ClickHouseType.parse("String"), field, ZoneId.of("UTC"))).isEqualTo(all.toString());
    }
}

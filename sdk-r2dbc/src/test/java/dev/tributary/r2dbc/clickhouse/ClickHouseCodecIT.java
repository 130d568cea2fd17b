package dev.tributary.r2dbc.clickhouse;

import dev.tributary.testkit.clickhouse.ClickHouseServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The codec against a real clickhouse-server: every supported type through binds, INSERT and
 * SELECT, and bind escaping that must round-trip exactly.
 */
class ClickHouseCodecIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static ClickHouseServer server;
    private static ClickHouseConnectionFactory factory;

    /** Strings that stress escaping: quotes, backslashes, control characters, unicode, markers and comments. */
    private static final List<String> TRICKY = List.of(
            "",
            "it's",
            "''",
            "\\",
            "\\'",
            "back\\slash\\\\double",
            "tab\there",
            "new\nline",
            "cr\rlf\r\n",
            "nul\0byte",
            "\\N",
            "\\0\\t\\n not escapes",
            "\b\f\u0001\u0007\u000B\u001B\u001F\u007F",
            "é ü ß ñ",
            "日本語テキスト",
            "emoji 🎉🧪👩‍👩‍👧 flags 🇫🇷",
            "עברית العربية",
            "combining e\u0301 and zero\u200Bwidth \u2028\u2029",
            "\uFEFFbom",
            "$1 $2 ?",
            "-- not a comment",
            "/* not a comment */",
            "'; DROP TABLE t; --",
            "`backtick` \"double\"",
            "[1,2]",
            "Code: 1, e.displayText() = DB::Exception: looks like an error");

    @BeforeAll
    static void startServer() {
        server = ClickHouseServer.builder().keepAliveTimeout(Duration.ofSeconds(1)).start();
        factory = new ClickHouseConnectionFactory(ClickHouseConnectionConfiguration.builder()
                .host(server.host())
                .port(server.httpPort())
                .setting("allow_experimental_low_cardinality_type", "1")
                // the SQL with a 1 MB literal exceeds the default max_query_size (256 KiB)
                .setting("max_query_size", "8000000")
                .build());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static <T> List<T> query(String sql, List<?> binds, BiFunction<Row, RowMetadata, T> mapper) {
        return Flux.usingWhen(Mono.from(factory.create()),
                        connection -> {
                            Statement statement = connection.createStatement(sql);
                            for (int i = 0; i < binds.size(); i++) {
                                if (binds.get(i) == null) {
                                    statement.bindNull(i, String.class);
                                } else {
                                    statement.bind(i, binds.get(i));
                                }
                            }
                            return Flux.from(statement.execute()).concatMap(result -> result.map(mapper));
                        },
                        Connection::close)
                .collectList()
                .block(TIMEOUT);
    }

    private static void execute(String sql, Object... binds) {
        Flux.usingWhen(Mono.from(factory.create()),
                        connection -> {
                            Statement statement = connection.createStatement(sql);
                            for (int i = 0; i < binds.length; i++) {
                                if (binds[i] == null) {
                                    statement.bindNull(i, String.class);
                                } else {
                                    statement.bind(i, binds[i]);
                                }
                            }
                            return Flux.from(statement.execute()).concatMap(result -> result.getRowsUpdated());
                        },
                        Connection::close)
                .then()
                .block(TIMEOUT);
    }

    @Test
    void roundTripsEveryTypeThroughInsertBindsAndSelect() {
        execute("CREATE TABLE all_types (id UInt32, i8 Int8, i16 Int16, i32 Int32, i64 Int64,"
                + " u8 UInt8, u16 UInt16, u32 UInt32, u64 UInt64, f32 Float32, f64 Float64,"
                + " d Decimal(18, 4), d128 Decimal128(10), s String, fs FixedString(4), dt Date, dtm DateTime,"
                + " dtz DateTime('Europe/Paris'), uu UUID, e Enum8('a' = 1, 'b\\'x' = 2, 'c,)' = -3),"
                + " ns Nullable(String), ni Nullable(Int32), lc LowCardinality(String),"
                + " arr Array(Int32), sarr Array(String), narr Array(Nullable(Int32)), aarr Array(Array(String)),"
                + " darr Array(Date), farr Array(Float64)) ENGINE = Memory");
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("id", 1L);
        first.put("i8", (byte) -128);
        first.put("i16", (short) -32768);
        first.put("i32", Integer.MIN_VALUE);
        first.put("i64", Long.MIN_VALUE);
        first.put("u8", (short) 255);
        first.put("u16", 65535);
        first.put("u32", 4294967295L);
        first.put("u64", new BigInteger("18446744073709551615"));
        first.put("f32", 1.5f);
        first.put("f64", -2.25e-10);
        first.put("d", new BigDecimal("-12345678901234.5678"));
        first.put("d128", new BigDecimal("1234567890123456789012345678.0123456789"));
        first.put("s", "tab\tnew\nline 'q' \\ é 🎉");
        first.put("fs", "ab");
        first.put("dt", LocalDate.of(2024, 2, 29));
        first.put("dtm", LocalDateTime.of(2024, 2, 29, 13, 45, 7));
        first.put("dtz", ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, PARIS));
        first.put("uu", UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"));
        first.put("e", "b'x");
        first.put("ns", "not null");
        first.put("ni", 7);
        first.put("lc", "low");
        first.put("arr", List.of(1, -2, 3));
        first.put("sarr", List.of("a", "b'c", "t\tx", ""));
        first.put("narr", Arrays.asList(null, 1));
        first.put("aarr", List.of(List.of("x"), List.of()));
        first.put("darr", List.of(LocalDate.of(2020, 1, 1)));
        first.put("farr", List.of(Double.NaN, Double.NEGATIVE_INFINITY, 0.5));
        Map<String, Object> second = new LinkedHashMap<>(first);
        second.put("id", 2L);
        second.put("i8", (byte) 127);
        second.put("u64", BigInteger.ZERO);
        second.put("f32", Float.POSITIVE_INFINITY);
        second.put("f64", Double.NaN);
        second.put("d", new BigDecimal("0.0001"));
        second.put("s", "");
        second.put("fs", "abcd");
        second.put("e", "c,)");
        second.put("ns", null);
        second.put("ni", null);
        second.put("arr", List.of());
        second.put("sarr", List.of());
        second.put("narr", List.of());
        second.put("dtz", Instant.parse("2024-12-31T23:59:59Z"));
        second.put("dtm", LocalDateTime.of(1970, 1, 2, 0, 0));

        List<String> columns = new ArrayList<>(first.keySet());
        StringBuilder markers = new StringBuilder();
        for (int i = 1; i <= columns.size(); i++) {
            markers.append(i == 1 ? "" : ", ").append('$').append(i);
        }
        String insert = "INSERT INTO all_types (" + String.join(", ", columns) + ") VALUES (" + markers + ")";
        execute(insert, first.values().toArray());
        execute(insert, second.values().toArray());

        List<Map<String, Object>> rows = query("SELECT * FROM all_types ORDER BY id", List.of(), (row, metadata) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String column : columns) {
                values.put(column, row.get(column));
            }
            values.put("dtz as Instant", row.get("dtz", Instant.class));
            values.put("dtm as Instant", row.get("dtm", Instant.class));
            values.put("fs bytes", row.get("fs", byte[].class));
            values.put("u8 as Integer", row.get("u8", Integer.class));
            values.put("nativeType(dtz)", metadata.getColumnMetadata("dtz").getNativeTypeMetadata());
            values.put("javaType(u64)", metadata.getColumnMetadata("u64").getJavaType());
            return values;
        });
        assertThat(rows).hasSize(2);
        Map<String, Object> got = rows.get(0);
        for (String column : columns) {
            Object expected = switch (column) {
                case "id" -> 1L;
                case "fs" -> "ab\0\0";
                case "dtz" -> LocalDateTime.of(2024, 7, 1, 12, 0); // the wall time in the column's zone
                default -> first.get(column);
            };
            assertThat(got.get(column)).as(column).isEqualTo(expected);
        }
        assertThat(got.get("dtz as Instant")).isEqualTo(Instant.parse("2024-07-01T10:00:00Z"));
        assertThat(got.get("dtm as Instant")).isEqualTo(Instant.parse("2024-02-29T13:45:07Z")); // the server's zone is UTC
        assertThat((byte[]) got.get("fs bytes")).containsExactly('a', 'b', 0, 0);
        assertThat(got.get("u8 as Integer")).isEqualTo(255);
        assertThat(got.get("javaType(u64)")).isEqualTo(BigInteger.class);
        assertThat(got.get("nativeType(dtz)")).isInstanceOf(ClickHouseType.class)
                .extracting(t -> ((ClickHouseType) t).zone()).isEqualTo(PARIS);

        Map<String, Object> got2 = rows.get(1);
        assertThat(got2.get("i8")).isEqualTo((byte) 127);
        assertThat(got2.get("u64")).isEqualTo(BigInteger.ZERO);
        assertThat(got2.get("f32")).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat((Double) got2.get("f64")).isNaN();
        assertThat(got2.get("d")).isEqualTo(new BigDecimal("0.0001"));
        assertThat(got2.get("s")).isEqualTo("");
        assertThat(got2.get("fs")).isEqualTo("abcd");
        assertThat(got2.get("e")).isEqualTo("c,)");
        assertThat(got2.get("ns")).isNull();
        assertThat(got2.get("ni")).isNull();
        assertThat(got2.get("arr")).isEqualTo(List.of());
        assertThat(got2.get("dtz as Instant")).isEqualTo(Instant.parse("2024-12-31T23:59:59Z"));
        assertThat(got2.get("dtz")).isEqualTo(LocalDateTime.of(2025, 1, 1, 0, 59, 59));
        assertThat(got2.get("dtm")).isEqualTo(LocalDateTime.of(1970, 1, 2, 0, 0));
    }

    @Test
    void bindsRoundTripExactlyThroughSelect() {
        for (String value : TRICKY) {
            List<String> got = query("SELECT $1 AS v, length($1) AS n", List.of(value), (row, md) ->
                    row.get("v", String.class) + "|" + row.get("n", Long.class));
            assertThat(got).as("SELECT of %s", printable(value))
                    .containsExactly(value + "|" + value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void aVeryLongStringBindRoundTrips() {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (text.length() < 1_000_000) {
            text.append(TRICKY.get(i++ % TRICKY.size())).append(i);
        }
        String value = text.toString();
        List<String> got = query("SELECT $1 AS v", List.of(value), (row, md) -> row.get("v", String.class));
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).isEqualTo(value);
    }

    @Test
    void bindsRoundTripExactlyThroughInsertAndSelect() {
        execute("CREATE TABLE strings (id UInt32, s String, n Nullable(String), a Array(String)) ENGINE = Memory");
        for (int i = 0; i < TRICKY.size(); i++) {
            String value = TRICKY.get(i);
            execute("INSERT INTO strings VALUES ($1, $2, $3, $4)", i, value, value, List.of(value, value + "x"));
        }
        execute("INSERT INTO strings VALUES ($1, $2, $3, $4)", 1000, "null", null, List.of());
        List<List<Object>> rows = query("SELECT id, s, n, a, hex(s) FROM strings ORDER BY id", List.of(),
                (row, md) -> Arrays.asList(row.get("id", Integer.class), row.get("s"), row.get("n"), row.get("a"),
                        row.get(4, String.class)));
        assertThat(rows).hasSize(TRICKY.size() + 1);
        for (int i = 0; i < TRICKY.size(); i++) {
            String value = TRICKY.get(i);
            assertThat(rows.get(i)).as("row of %s", printable(value)).containsExactly(i, value, value,
                    List.of(value, value + "x"),
                    HexFormat.of().withUpperCase().formatHex(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        assertThat(rows.get(TRICKY.size())).containsExactly(1000, "null", null, List.of(), "6E756C6C");
    }

    @Test
    void bulkInsertTsvFieldsRoundTripExactly() {
        execute("CREATE TABLE bulk (id UInt32, s String, n Nullable(String), a Array(String), na Array(Nullable(Int32)),"
                + " dt Date, dtz DateTime('Asia/Tokyo'), u UInt64, f Float64, d Decimal(38, 10), b FixedString(3),"
                + " e Enum8('a' = 1, 'b\\'x' = 2), aa Array(Array(String)), ad Array(DateTime('Europe/Paris'))) ENGINE = Memory");
        List<List<?>> rows = new ArrayList<>();
        for (int i = 0; i < TRICKY.size(); i++) {
            String value = TRICKY.get(i);
            rows.add(Arrays.asList(i, value, i % 2 == 0 ? null : value, List.of(value, "x" + value),
                    Arrays.asList(null, -i), LocalDate.of(2000, 1, 1).plusDays(i),
                    Instant.parse("2024-03-31T00:59:59.000Z").plusSeconds(3600L * i), new BigInteger("18446744073709551615"),
                    i % 3 == 0 ? Double.NaN : i * 0.25 - 3 /* 18.16's TSV float parser is not correctly rounded */, new BigDecimal("-1234567890123456789012345678.0123456789"),
                    new byte[] {(byte) i, '\t', (byte) 0xFF}, i % 2 == 0 ? "a" : "b'x", List.of(List.of(value), List.of()),
                    List.of(Instant.parse("2024-10-27T00:30:00Z").plusSeconds(1800L * i))));
        }
        Long sent = Flux.usingWhen(Mono.from(factory.create()),
                        connection -> connection.insert("bulk", List.of("id", "s", "n", "a", "na", "dt", "dtz", "u", "f", "d",
                                "b", "e", "aa", "ad"), Flux.fromIterable(rows)),
                        Connection::close)
                .single()
                .block(TIMEOUT);
        assertThat(sent).isEqualTo(TRICKY.size());
        List<List<Object>> got = query("SELECT id, s, n, a, na, dt, dtz, u, f, d, hex(b), e, aa, ad FROM bulk ORDER BY id", List.of(),
                (row, md) -> Arrays.asList(row.get(0, Integer.class), row.get(1), row.get(2), row.get(3), row.get(4),
                        row.get(5), row.get(6, Instant.class), row.get(7), row.get(8), row.get(9), row.get(10), row.get(11),
                        row.get(12), ((List<?>) row.get(13)).get(0)));
        assertThat(got).hasSize(TRICKY.size());
        for (int i = 0; i < TRICKY.size(); i++) {
            List<?> in = rows.get(i);
            List<Object> out = got.get(i);
            assertThat(out.subList(0, 6)).as("row %d (%s)", i, printable(TRICKY.get(i))).isEqualTo(in.subList(0, 6));
            assertThat(out.get(6)).isEqualTo(in.get(6));
            assertThat(out.get(7)).isEqualTo(in.get(7));
            assertThat(out.get(8)).isEqualTo(in.get(8));
            assertThat(out.get(9)).isEqualTo(in.get(9));
            assertThat(out.get(10)).isEqualTo(HexFormat.of().withUpperCase().formatHex((byte[]) in.get(10)));
            assertThat(out.get(11)).isEqualTo(in.get(11));
            assertThat(out.get(12)).isEqualTo(in.get(12));
            Instant paris = (Instant) ((List<?>) in.get(13)).get(0);
            assertThat(out.get(13)).isEqualTo(LocalDateTime.ofInstant(paris, PARIS));
        }
    }

    @Test
    void anErrorAfterRowsStartedStreamingEndsTheRowsWithTheServersCode() {
        List<Object> seen = new ArrayList<>();
        Throwable error = Flux.usingWhen(Mono.from(factory.create()),
                        connection -> Flux.from(connection.createStatement(
                                        "SELECT number, toString(number) AS s, throwIf(number = 200000) AS boom"
                                                + " FROM system.numbers LIMIT 300000").execute())
                                .concatMap(result -> result.map((row, md) -> row.get("s", String.class))),
                        Connection::close)
                .doOnNext(seen::add)
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .block(TIMEOUT);
        // 18.16 sends about 1 MiB of rows before it fails, then its error text inside the 200 body
        assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat((String) s).matches("\\d+"));
        assertThat(seen.get(seen.size() - 1)).isEqualTo(String.valueOf(seen.size() - 1));
        assertThat(error).isInstanceOf(io.r2dbc.spi.R2dbcException.class);
        assertThat(((io.r2dbc.spi.R2dbcException) error).getErrorCode()).isEqualTo(395);
        assertThat(error.getMessage()).contains("Value passed to 'throwIf' function is non zero")
                .doesNotContain("e.what()");
    }

    @Test
    void fractionalDateTimeBindsNeedDateTime64WhichClickHouse1816Lacks() {
        // exact instants with nanoseconds render as toDateTime64(..): 18.16 has no DateTime64 and says so
        Throwable error = Mono.from(Flux.usingWhen(Mono.from(factory.create()),
                        connection -> Flux.from(connection.createStatement("SELECT $1").bind(0,
                                Instant.parse("2024-02-29T01:02:03.5Z")).execute()).concatMap(r -> r.map((row, md) -> 1)),
                        Connection::close))
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .block(TIMEOUT);
        assertThat(error).isInstanceOf(io.r2dbc.spi.R2dbcException.class).hasMessageContaining("toDateTime64");
        // whole seconds work
        assertThat(query("SELECT $1 AS t", List.of(Instant.parse("2024-02-29T01:02:03Z")),
                (row, md) -> row.get("t", Instant.class))).containsExactly(Instant.parse("2024-02-29T01:02:03Z"));
    }

    @Test
    void byteArrayBindsKeepEveryByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        List<String> got = query("SELECT hex($1) AS h, length($1) AS n", List.of(all),
                (row, md) -> row.get("h", String.class) + "|" + row.get("n", Integer.class));
        assertThat(got).containsExactly(HexFormat.of().withUpperCase().formatHex(all) + "|256");
    }

    @Test
    void typedBindsComeBackAsTheirClickHouseTypes() {
        List<List<Object>> got = query("SELECT $1 AS l, $2 AS big, $3 AS dbl, $4 AS b, $5 AS d, $6 AS t, $7 AS i,"
                        + " $8 AS u, $9 AS arr, $10 AS neg, 1-$10 AS minus, toTypeName($6) AS tt, $11 AS odt",
                List.of(-9_000_000_000L, new BigInteger("18446744073709551615"), Double.NEGATIVE_INFINITY, true,
                        LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 1, 2, 3),
                        Instant.parse("2024-02-29T01:02:03Z"), UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"),
                        List.of(List.of("a'"), List.of()), -5, OffsetDateTime.parse("2024-02-29T03:02:03+02:00")),
                (row, md) -> Arrays.asList(row.get("l"), row.get("big"), row.get("dbl"), row.get("b", Boolean.class),
                        row.get("d"), row.get("t"), row.get("i", Instant.class), row.get("u"), row.get("arr"),
                        row.get("neg", Integer.class), row.get("minus", Integer.class), row.get("tt"),
                        row.get("odt", OffsetDateTime.class)));
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).containsExactly(-9_000_000_000L, new BigInteger("18446744073709551615"),
                Double.NEGATIVE_INFINITY, true, LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 1, 2, 3),
                Instant.parse("2024-02-29T01:02:03Z"), UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"),
                List.of(List.of("a'"), List.of()), -5, 6, "DateTime", OffsetDateTime.parse("2024-02-29T01:02:03Z"));
    }

    @Test
    void selectsTheRealAllTypesQueryAsTheDecoderExpects() {
        String sql = new String(TabSeparatedReaderTest.resource("all-types.sql"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("FORMAT TabSeparatedWithNamesAndTypes", "").strip();
        List<List<Object>> rows = query(sql, List.of(), (row, md) -> {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < md.getColumnMetadatas().size(); i++) {
                values.add(row.get(i));
            }
            return values;
        });
        byte[] body = TabSeparatedReaderTest.resource("all-types.tsv");
        String[] lines = new String(body, java.nio.charset.StandardCharsets.UTF_8).split("\n");
        String[] types = lines[1].split("\t");
        String[] raw = lines[2].split("\t", -1);
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            expected.add(ClickHouseValues.decode(ClickHouseType.parse(TsvEscaping.unescape(types[i], 0, types[i].length())),
                    raw[i], ZoneId.of("UTC")));
        }
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).isEqualTo(expected);
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}

package dev.tributary.r2dbc.clickhouse;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.UUID;

/**
 * Renders Java values as ClickHouse SQL literals (client-side binds: ClickHouse 18.16 has no
 * server-side parameters) and as TabSeparated fields (the bulk insert body). Sources: ClickHouse
 * docs "Syntax: Literals" and "Formats: TabSeparated"; checked against clickhouse-server 18.16.1.
 *
 * <table>
 * <caption>Java value to SQL literal / TSV field</caption>
 * <tr><th>Java</th><th>literal</th><th>TSV field</th></tr>
 * <tr><td>null</td><td>{@code NULL}</td><td>{@code \N}</td></tr>
 * <tr><td>String, CharSequence, Character</td><td>{@code 'it\'s'}: {@code \\ \'} and control characters escaped,
 *     other characters as UTF-8</td><td>backslash, tab, newline, CR, \b, \f, \0 escaped</td></tr>
 * <tr><td>Byte, Short, Integer, Long, BigInteger</td><td>decimal digits</td><td>same</td></tr>
 * <tr><td>Float, Double</td><td>Java's text ({@code 1.0E10} is a Float64 literal); NaN, infinities as
 *     {@code nan}, {@code inf}, {@code -inf}</td><td>plain decimal text between 1e-20 and 1e20 ({@code 0.00001234}),
 *     else Java's; {@code nan}, {@code inf}, {@code -inf}</td></tr>
 * <tr><td>BigDecimal</td><td>{@code toPlainString()} (no exponent), which ClickHouse reads exactly into a
 *     Decimal column of an INSERT; elsewhere it is a Float64 literal (18.16 cannot compare Decimal with Float64:
 *     write {@code toDecimal64(..)} around it there)</td><td>same</td></tr>
 * <tr><td>Boolean</td><td>{@code 1} / {@code 0}</td><td>same</td></tr>
 * <tr><td>LocalDate</td><td>{@code toDate('2024-02-29')}</td><td>{@code 2024-02-29}</td></tr>
 * <tr><td>LocalDateTime</td><td>{@code toDateTime('2024-02-29 13:45:00')} (server or column zone); with
 *     nanoseconds {@code toDateTime64('2024-02-29 13:45:00.123456789', 9)} (not on 18.16)</td>
 *     <td>{@code 2024-02-29 13:45:00[.fffffffff]}</td></tr>
 * <tr><td>Instant, OffsetDateTime, ZonedDateTime</td><td>the exact instant: {@code toDateTime('..', 'UTC')}, with
 *     nanoseconds {@code toDateTime64('..', 9, 'UTC')}</td><td>Unix seconds {@code 1709214300[.fffffffff]},
 *     independent of the column's zone</td></tr>
 * <tr><td>UUID</td><td>{@code toUUID('..')}</td><td>the UUID text</td></tr>
 * <tr><td>byte[], ByteBuffer</td><td>a String literal of exactly these bytes ({@code '\xFF..'})</td><td>same bytes, {@code \xHH} escaped</td></tr>
 * <tr><td>Collection, Object[], primitive arrays</td><td>{@code [e1, e2]}, elements as literals</td>
 *     <td>{@code [e1,e2]} with quoted strings, dates and date-times</td></tr>
 * <tr><td>Enum</td><td>its name as a String literal</td><td>its name</td></tr>
 * <tr><td>InetAddress</td><td>its address text as a String literal</td><td>its address text</td></tr>
 * </table>
 * Any other class fails with an {@link IllegalArgumentException} naming it.
 *
 * <p>Doubles: Java's shortest text is exact, and ClickHouse's SQL literal parser reads it exactly,
 * but 18.16's text parser for data (TabSeparated bodies, the fast path of {@code VALUES},
 * {@code toFloat64('..')}) is not correctly rounded at extreme exponents: {@code -1.1E-299} reads
 * back as {@code -1.1000000000000001E-299}, the subnormal {@code 4.9E-324} as 0. Ordinary values
 * ({@code 0.1}, {@code 0.30000000000000004}, {@code 1.7976931348623157E308}) are mostly exact, but
 * measured over 8,000 random doubles about 0.5% come back one unit in the last place off even in
 * the plain form the TSV fields use (6% in Java's exponent form). Exact doubles on 18.16 need a
 * binary format (RowBinary) or SQL literals outside {@code VALUES}.
 */
final class ClickHouseLiterals {

    private ClickHouseLiterals() {
    }

    /**
     * @param value a bind value, may be null
     * @return the SQL literal text
     * @throws IllegalArgumentException for an unsupported class (named) or a string with an unpaired surrogate
     */
    static String literal(Object value) {
        StringBuilder out = new StringBuilder();
        appendLiteral(out, value);
        return out.toString();
    }

    static void appendLiteral(StringBuilder out, Object value) {
        if (value == null) {
            out.append("NULL");
        } else if (value instanceof CharSequence s) {
            TsvEscaping.appendQuoted(out, s);
        } else if (value instanceof Character c) {
            TsvEscaping.appendQuoted(out, String.valueOf(c));
        } else if (value instanceof Number n) {
            appendNumberText(out, n);
        } else if (value instanceof Boolean b) {
            out.append(b ? '1' : '0');
        } else if (value instanceof LocalDate d) {
            out.append("toDate('").append(d).append("')");
        } else if (value instanceof LocalDateTime t) {
            appendDateTimeCall(out, t, null);
        } else if (value instanceof Instant i) {
            appendDateTimeCall(out, LocalDateTime.ofInstant(i, ZoneOffset.UTC), "UTC");
        } else if (value instanceof OffsetDateTime o) {
            appendDateTimeCall(out, LocalDateTime.ofInstant(o.toInstant(), ZoneOffset.UTC), "UTC");
        } else if (value instanceof ZonedDateTime z) {
            appendDateTimeCall(out, LocalDateTime.ofInstant(z.toInstant(), ZoneOffset.UTC), "UTC");
        } else if (value instanceof UUID u) {
            out.append("toUUID('").append(u).append("')");
        } else if (value instanceof byte[] bytes) {
            TsvEscaping.appendQuotedBytes(out, bytes);
        } else if (value instanceof ByteBuffer buffer) {
            TsvEscaping.appendQuotedBytes(out, bytes(buffer));
        } else if (value instanceof Enum<?> e) {
            TsvEscaping.appendQuoted(out, e.name());
        } else if (value instanceof InetAddress address) {
            TsvEscaping.appendQuoted(out, address.getHostAddress());
        } else if (value instanceof Collection<?> collection) {
            out.append('[');
            boolean first = true;
            for (Object element : collection) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                appendLiteral(out, element);
            }
            out.append(']');
        } else if (value.getClass().isArray()) {
            out.append('[');
            int n = Array.getLength(value);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                appendLiteral(out, Array.get(value, i));
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("Cannot render a value of " + value.getClass().getName()
                    + " as a ClickHouse literal (supported: String, numbers, Boolean, java.time dates and instants,"
                    + " UUID, byte[], ByteBuffer, enums, InetAddress, collections and arrays of these)");
        }
    }

    /**
     * Appends one TabSeparated field (without the separator).
     *
     * @param out   the body being built
     * @param value the value, may be null ({@code \N})
     * @throws IllegalArgumentException for an unsupported class (named)
     */
    static void appendTsvField(StringBuilder out, Object value) {
        if (value == null) {
            out.append("\\N");
        } else if (value instanceof CharSequence s) {
            TsvEscaping.appendTsvEscaped(out, s);
        } else if (value instanceof Character c) {
            TsvEscaping.appendTsvEscaped(out, String.valueOf(c));
        } else if (value instanceof Number n) {
            appendDataNumber(out, n);
        } else if (value instanceof Boolean b) {
            out.append(b ? '1' : '0');
        } else if (value instanceof LocalDate d) {
            out.append(d);
        } else if (value instanceof LocalDateTime t) {
            appendDateTimeText(out, t);
        } else if (value instanceof Instant i) {
            appendEpoch(out, i);
        } else if (value instanceof OffsetDateTime o) {
            appendEpoch(out, o.toInstant());
        } else if (value instanceof ZonedDateTime z) {
            appendEpoch(out, z.toInstant());
        } else if (value instanceof UUID u) {
            out.append(u);
        } else if (value instanceof byte[] bytes) {
            TsvEscaping.appendTsvBytes(out, bytes);
        } else if (value instanceof ByteBuffer buffer) {
            TsvEscaping.appendTsvBytes(out, bytes(buffer));
        } else if (value instanceof Enum<?> e) {
            TsvEscaping.appendTsvEscaped(out, e.name());
        } else if (value instanceof InetAddress address) {
            out.append(address.getHostAddress());
        } else if (value instanceof Collection<?> || value.getClass().isArray()) {
            appendTsvArray(out, value);
        } else {
            throw new IllegalArgumentException("Cannot write a value of " + value.getClass().getName()
                    + " as a ClickHouse TabSeparated field (supported: String, numbers, Boolean, java.time dates and"
                    + " instants, UUID, byte[], ByteBuffer, enums, InetAddress, collections and arrays of these)");
        }
    }

    /** An array in a TSV field: ClickHouse reads its elements in the quoted (literal) syntax. */
    private static void appendTsvArray(StringBuilder out, Object value) {
        out.append('[');
        if (value instanceof Collection<?> collection) {
            boolean first = true;
            for (Object element : collection) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendQuotedElement(out, element);
            }
        } else {
            int n = Array.getLength(value);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendQuotedElement(out, Array.get(value, i));
            }
        }
        out.append(']');
    }

    private static void appendQuotedElement(StringBuilder out, Object element) {
        if (element == null) {
            out.append("NULL");
        } else if (element instanceof CharSequence s) {
            TsvEscaping.appendQuoted(out, s);
        } else if (element instanceof Character c) {
            TsvEscaping.appendQuoted(out, String.valueOf(c));
        } else if (element instanceof Number n) {
            appendDataNumber(out, n);
        } else if (element instanceof Boolean b) {
            out.append(b ? '1' : '0');
        } else if (element instanceof byte[] bytes) {
            TsvEscaping.appendQuotedBytes(out, bytes);
        } else if (element instanceof ByteBuffer buffer) {
            TsvEscaping.appendQuotedBytes(out, bytes(buffer));
        } else if (element instanceof Collection<?> || element.getClass().isArray()) {
            appendTsvArray(out, element);
        } else if (element instanceof Enum<?> e) {
            TsvEscaping.appendQuoted(out, e.name());
        } else {
            StringBuilder text = new StringBuilder();
            appendTsvField(text, element);
            TsvEscaping.appendQuoted(out, text);
        }
    }

    /**
     * A number in a data body: doubles of moderate magnitude without an exponent, which 18.16's
     * data parser reads exactly far more often than Java's {@code 1.234E-5} form (measured: 38 instead
     * of 462 of 8,000 random doubles off by one unit in the last place).
     */
    private static void appendDataNumber(StringBuilder out, Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = Math.abs(n.doubleValue());
            if (d != 0 && d >= 1e-20 && d < 1e20 && !Double.isNaN(d) && !Double.isInfinite(d)) {
                out.append(new BigDecimal(n.toString()).toPlainString());
                return;
            }
        }
        appendNumberText(out, n);
    }

    private static void appendNumberText(StringBuilder out, Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                out.append("nan");
            } else if (Double.isInfinite(d)) {
                out.append(d > 0 ? "inf" : "-inf");
            } else {
                out.append(n);
            }
        } else if (n instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (n instanceof BigInteger || n instanceof Long || n instanceof Integer || n instanceof Short
                || n instanceof Byte) {
            out.append(n);
        } else if (n instanceof java.util.concurrent.atomic.AtomicInteger
                || n instanceof java.util.concurrent.atomic.AtomicLong) {
            out.append(n.longValue());
        } else {
            throw new IllegalArgumentException("Cannot render a number of " + n.getClass().getName()
                    + " as a ClickHouse literal");
        }
    }

    private static void appendDateTimeCall(StringBuilder out, LocalDateTime t, String zone) {
        boolean fraction = t.getNano() != 0;
        out.append(fraction ? "toDateTime64('" : "toDateTime('");
        appendDateTimeText(out, t);
        out.append('\'');
        if (fraction) {
            out.append(", 9");
        }
        if (zone != null) {
            out.append(", '").append(zone).append('\'');
        }
        out.append(')');
    }

    /** {@code yyyy-MM-dd HH:mm:ss[.fffffffff]} (nine digits when there is a fraction). */
    private static void appendDateTimeText(StringBuilder out, LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("Year out of ClickHouse's range: " + t);
        }
        pad(out, year, 4).append('-');
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append(' ');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2);
        if (t.getNano() != 0) {
            out.append('.');
            pad(out, t.getNano(), 9);
        }
    }

    private static void appendEpoch(StringBuilder out, Instant instant) {
        if (instant.getNano() == 0) {
            out.append(instant.getEpochSecond());
        } else {
            // exact for instants before 1970 too (epoch second -2 + 0.5 s is -1.5)
            out.append(BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9))
                    .setScale(9).toPlainString());
        }
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}

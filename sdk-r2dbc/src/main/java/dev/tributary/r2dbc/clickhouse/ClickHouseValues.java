package dev.tributary.r2dbc.clickhouse;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Decodes raw TabSeparated fields into Java values (the mapping documented on
 * {@link ClickHouseType}) and converts values to the classes callers ask for.
 */
final class ClickHouseValues {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private ClickHouseValues() {
    }

    /**
     * Decodes one raw (still escaped) TabSeparated field.
     *
     * @param type       the column type
     * @param rawField   the field as {@link TabSeparatedReader} returned it
     * @param serverZone the server's time zone: the zone of a DateTime without its own; DateTime values
     *                   decode to the wall time the server wrote, so it only matters for 18.16's zero
     *                   {@code 0000-00-00 00:00:00} (the epoch, as a wall time in that zone)
     * @return the value in the type's default Java class, or {@code null} for {@code \N}
     * @throws IllegalArgumentException if the text is not a value of the type (names the type and the text)
     */
    static Object decode(ClickHouseType type, String rawField, ZoneId serverZone) {
        if (rawField.length() == 2 && rawField.charAt(0) == '\\' && rawField.charAt(1) == 'N') {
            return null;
        }
        try {
            switch (type.kind()) {
                case ARRAY:
                    return new ArrayText(rawField, type, serverZone).parse();
                case RAW_COMPOSITE:
                    return rawField;
                case STRING, FIXED_STRING, ENUM, OTHER, IP:
                    return TsvEscaping.unescape(rawField, 0, rawField.length());
                case NOTHING:
                    return null;
                default:
                    return scalar(type, rawField, serverZone);
            }
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("Cannot decode '" + preview(rawField) + "' as ClickHouse " + type.name()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Decodes an unquoted scalar text (numbers, dates, UUID, Bool) of a non-string type. */
    private static Object scalar(ClickHouseType type, String text, ZoneId serverZone) {
        switch (type.kind()) {
            case INT8: return Byte.parseByte(text);
            case INT16: return Short.parseShort(text);
            case INT32: return Integer.parseInt(text);
            case INT64, INTERVAL: return Long.parseLong(text);
            case UINT8: {
                int v = Integer.parseInt(text);
                if (v < 0 || v > 255) {
                    throw new IllegalArgumentException("out of UInt8 range");
                }
                return (short) v;
            }
            case UINT16: {
                int v = Integer.parseInt(text);
                if (v < 0 || v > 65535) {
                    throw new IllegalArgumentException("out of UInt16 range");
                }
                return v;
            }
            case UINT32: {
                long v = Long.parseLong(text);
                if (v < 0 || v > 0xFFFF_FFFFL) {
                    throw new IllegalArgumentException("out of UInt32 range");
                }
                return v;
            }
            case BIG_INTEGER:
                return text.length() < 19 ? BigInteger.valueOf(Long.parseLong(text)) : new BigInteger(text);
            case FLOAT32: {
                Double special = special(text);
                return special != null ? Float.valueOf(special.floatValue()) : Float.valueOf(Float.parseFloat(text));
            }
            case FLOAT64: {
                Double special = special(text);
                return special != null ? special : Double.valueOf(Double.parseDouble(text));
            }
            case DECIMAL:
                return new BigDecimal(text);
            case DATE:
                return date(text);
            case DATE_TIME, DATE_TIME64:
                return dateTime(text, type.zone() != null ? type.zone() : serverZone);
            case UUID:
                return java.util.UUID.fromString(text);
            case BOOL:
                return bool(text);
            default:
                return TsvEscaping.unescape(text, 0, text.length());
        }
    }

    private static Double special(String text) {
        switch (text) {
            case "nan", "-nan", "+nan", "NaN": return Double.NaN;
            case "inf", "+inf", "Infinity", "+Infinity": return Double.POSITIVE_INFINITY;
            case "-inf", "-Infinity": return Double.NEGATIVE_INFINITY;
            default: return null;
        }
    }

    private static Boolean bool(String text) {
        switch (text) {
            case "true", "1": return Boolean.TRUE;
            case "false", "0": return Boolean.FALSE;
            default: throw new IllegalArgumentException("not a Bool (true/false)");
        }
    }

    /** {@code yyyy-MM-dd}; 18.16 writes day 0 as {@code 0000-00-00}, which is 1970-01-01. */
    private static LocalDate date(String text) {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            throw new IllegalArgumentException("not a date yyyy-MM-dd");
        }
        if (text.equals("0000-00-00")) {
            return LocalDate.EPOCH;
        }
        return LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
    }

    /**
     * {@code yyyy-MM-dd HH:mm:ss[.fffffffff]}, the wall time in the column's zone; 18.16 writes the
     * epoch (0) as {@code 0000-00-00 00:00:00}, which is 1970-01-01 00:00:00 UTC in the column's zone.
     */
    private static LocalDateTime dateTime(String text, ZoneId zone) {
        if (text.length() < 19 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' '
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            throw new IllegalArgumentException("not a date-time yyyy-MM-dd HH:mm:ss");
        }
        int nanos = 0;
        if (text.length() > 19) {
            if (text.charAt(19) != '.' || text.length() == 20 || text.length() > 29) {
                throw new IllegalArgumentException("malformed fraction of seconds");
            }
            int digitCount = text.length() - 20;
            nanos = digits(text, 20, text.length());
            for (int i = digitCount; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (text.startsWith("0000-00-00 00:00:00")) {
            // day 0: the epoch instant, written by 18.16 as all zeros
            return LocalDateTime.ofInstant(Instant.EPOCH, zone == null ? ZoneOffset.UTC : zone).withNano(nanos);
        }
        return LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10),
                digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19), nanos);
    }

    private static int digits(String text, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("not a digit at index " + i);
            }
            v = v * 10 + d;
        }
        return v;
    }

    /**
     * Converts a decoded value to {@code target}, for a column without a known zone: as
     * {@link #convert(Object, Class, String, ZoneId)} with no zone (a DateTime value then cannot
     * become an instant).
     */
    static <T> T convert(Object value, Class<T> target, String columnName) {
        return convert(value, target, columnName, null);
    }

    /**
     * Converts a decoded value to {@code target}.
     * <ul>
     * <li>{@code null} stays {@code null}; {@code Object.class} or an instance of {@code target}: the value itself;</li>
     * <li>Number to Byte, Short, Integer, Long, BigInteger (exact: overflow or a fraction fails), Float, Double,
     *     BigDecimal (NaN and infinities fail);</li>
     * <li>String from anything ({@code toPlainString} for BigDecimal, ISO-8601 for java.time values, a List's
     *     {@code toString}, the UTF-8 text of a byte[]);</li>
     * <li>LocalDateTime (a DateTime) to Instant, OffsetDateTime, ZonedDateTime in {@code zone} (required),
     *     to LocalDate, LocalTime; LocalDate to LocalDateTime (start of day);</li>
     * <li>Boolean from an integer 0/1 (UInt8) or the strings true/false/1/0;</li>
     * <li>byte[] and ByteBuffer from String (its UTF-8 bytes); UUID and InetAddress (literal addresses only,
     *     no lookup) from String; an enum class from String (by name);</li>
     * <li>List (an Array) to a Java array of any element class, elements converted the same way.</li>
     * </ul>
     *
     * @param zone the column's zone (the DateTime's own, else the server's), or {@code null} when unknown
     * @throws IllegalArgumentException for anything else, naming the column, the value's class and the target
     */
    @SuppressWarnings("unchecked")
    static <T> T convert(Object value, Class<T> target, String columnName, ZoneId zone) {
        if (value == null) {
            return null;
        }
        Class<?> boxed = boxed(target);
        if (boxed == Object.class || boxed.isInstance(value)) {
            return (T) value;
        }
        try {
            Object converted = convertOrNull(value, boxed, columnName, zone);
            if (converted != null) {
                return (T) converted;
            }
        } catch (ArithmeticException | DateTimeException | NumberFormatException e) {
            throw failure(value, target, columnName, e.getMessage(), e);
        }
        throw failure(value, target, columnName, "unsupported conversion", null);
    }

    private static Object convertOrNull(Object value, Class<?> target, String columnName, ZoneId zone) {
        if (target == String.class) {
            if (value instanceof BigDecimal d) {
                return d.toPlainString();
            }
            if (value instanceof byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            return value.toString();
        }
        if (value instanceof Number number) {
            return number(number, target);
        }
        if (value instanceof String s) {
            return fromString(s, target);
        }
        if (value instanceof LocalDateTime dateTime) {
            if (target == LocalDate.class) {
                return dateTime.toLocalDate();
            }
            if (target == LocalTime.class) {
                return dateTime.toLocalTime();
            }
            if (target == Instant.class || target == OffsetDateTime.class || target == ZonedDateTime.class) {
                if (zone == null) {
                    throw failure(value, target, columnName, "the column's time zone is unknown", null);
                }
                ZonedDateTime zoned = dateTime.atZone(zone);
                if (target == Instant.class) {
                    return zoned.toInstant();
                }
                return target == OffsetDateTime.class ? zoned.toOffsetDateTime() : zoned;
            }
            return null;
        }
        if (value instanceof LocalDate date && target == LocalDateTime.class) {
            return date.atStartOfDay();
        }
        if (value instanceof Boolean b) {
            return number(b ? 1 : 0, target);
        }
        if (value instanceof List<?> list && target.isArray()) {
            Class<?> component = target.getComponentType();
            Object array = Array.newInstance(component, list.size());
            for (int i = 0; i < list.size(); i++) {
                Object element = list.get(i);
                if (element == null && component.isPrimitive()) {
                    throw failure(value, target, columnName, "NULL element " + i + " in a primitive array", null);
                }
                Array.set(array, i, convert(element, component, columnName, zone));
            }
            return array;
        }
        return null;
    }

    private static Object number(Number number, Class<?> target) {
        if (target == Boolean.class) {
            BigDecimal d = exact(number);
            if (d.compareTo(BigDecimal.ZERO) == 0) {
                return Boolean.FALSE;
            }
            if (d.compareTo(BigDecimal.ONE) == 0) {
                return Boolean.TRUE;
            }
            throw new ArithmeticException("only 0 and 1 are booleans");
        }
        if (target == Double.class) {
            return number.doubleValue();
        }
        if (target == Float.class) {
            return number.floatValue();
        }
        if (target == BigDecimal.class) {
            return exact(number);
        }
        if (target == BigInteger.class) {
            return exact(number).toBigIntegerExact();
        }
        if (target == Long.class) {
            return integral(number);
        }
        if (target == Integer.class) {
            return Math.toIntExact(integral(number));
        }
        if (target == Short.class) {
            long v = integral(number);
            if (v != (short) v) {
                throw new ArithmeticException("short overflow");
            }
            return (short) v;
        }
        if (target == Byte.class) {
            long v = integral(number);
            if (v != (byte) v) {
                throw new ArithmeticException("byte overflow");
            }
            return (byte) v;
        }
        return null;
    }

    private static long integral(Number number) {
        if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
            return number.longValue();
        }
        if (number instanceof BigInteger big) {
            if (big.compareTo(LONG_MIN) < 0 || big.compareTo(LONG_MAX) > 0) {
                throw new ArithmeticException("long overflow");
            }
            return big.longValue();
        }
        return exact(number).longValueExact();
    }

    private static BigDecimal exact(Number number) {
        if (number instanceof BigDecimal d) {
            return d;
        }
        if (number instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new ArithmeticException(d + " has no exact decimal value");
            }
            return number instanceof Float ? new BigDecimal(number.toString()) : BigDecimal.valueOf(d);
        }
        return BigDecimal.valueOf(number.longValue());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object fromString(String s, Class<?> target) {
        if (target == byte[].class) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (target == ByteBuffer.class) {
            return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        }
        if (target == UUID.class) {
            return UUID.fromString(s);
        }
        if (target == Boolean.class) {
            return switch (s) {
                case "true", "1" -> Boolean.TRUE;
                case "false", "0" -> Boolean.FALSE;
                default -> throw new NumberFormatException("not a boolean");
            };
        }
        if (target == Character.class && s.length() == 1) {
            return s.charAt(0);
        }
        if (InetAddress.class.isAssignableFrom(target)) {
            if (!s.matches("[0-9A-Fa-f:.]+")) {
                throw new NumberFormatException("not a literal IP address");
            }
            try {
                InetAddress address = InetAddress.getByName(s);
                return target.isInstance(address) ? address : null;
            } catch (UnknownHostException e) {
                throw new NumberFormatException("not a literal IP address");
            }
        }
        if (target.isEnum()) {
            try {
                return Enum.valueOf((Class<? extends Enum>) target, s);
            } catch (IllegalArgumentException e) {
                throw new NumberFormatException("no constant " + s + " in " + target.getName());
            }
        }
        return null;
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == short.class) {
            return Short.class;
        }
        if (type == byte.class) {
            return Byte.class;
        }
        if (type == float.class) {
            return Float.class;
        }
        if (type == char.class) {
            return Character.class;
        }
        return type;
    }

    private static IllegalArgumentException failure(Object value, Class<?> target, String columnName, String why,
                                                    Throwable cause) {
        return new IllegalArgumentException("Cannot convert column '" + columnName + "' value of type "
                + value.getClass().getName() + " to " + target.getName() + ": " + why, cause);
    }

    private static String preview(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }

    /** Parses ClickHouse's array text: {@code [1,2]}, {@code ['a','b\'c']}, {@code [[1],[]]}, {@code [NULL,1]}. */
    private static final class ArrayText {
        private final String text;
        private final ClickHouseType type;
        private final ZoneId serverZone;
        private int pos;

        ArrayText(String text, ClickHouseType type, ZoneId serverZone) {
            this.text = text;
            this.type = type;
            this.serverZone = serverZone;
        }

        List<Object> parse() {
            List<Object> list = array(type);
            skipSpaces();
            if (pos != text.length()) {
                throw new IllegalArgumentException("unexpected text after the array at index " + pos);
            }
            return list;
        }

        private List<Object> array(ClickHouseType arrayType) {
            skipSpaces();
            expect('[');
            ClickHouseType element = arrayType.elementType();
            List<Object> list = new ArrayList<>();
            skipSpaces();
            if (peek() == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            }
            while (true) {
                list.add(element(element));
                skipSpaces();
                char c = next();
                if (c == ']') {
                    return Collections.unmodifiableList(list);
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected ',' or ']' at index " + (pos - 1));
                }
            }
        }

        private Object element(ClickHouseType element) {
            skipSpaces();
            char c = peek();
            if (element.kind() == ClickHouseType.Kind.ARRAY && c == '[') {
                return array(element);
            }
            if (c == '\'') {
                String unquoted = quoted();
                return switch (element.kind()) {
                    case STRING, FIXED_STRING, ENUM, IP, OTHER, RAW_COMPOSITE -> unquoted;
                    default -> scalar(element, unquoted, serverZone);
                };
            }
            int start = pos;
            if (c == '(' || c == '[' || c == '{') {
                skipBalanced();
                return text.substring(start, pos);
            }
            while (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != ']') {
                pos++;
            }
            String token = text.substring(start, pos).strip();
            if (token.equals("NULL")) {
                return null;
            }
            if (token.isEmpty()) {
                throw new IllegalArgumentException("empty array element at index " + start);
            }
            return switch (element.kind()) {
                case NOTHING -> null;
                case STRING, FIXED_STRING, ENUM, IP, OTHER, RAW_COMPOSITE -> token;
                default -> scalar(element, token, serverZone);
            };
        }

        private String quoted() {
            int open = pos;
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '\\') {
                    pos += 2;
                } else if (c == '\'') {
                    pos++;
                    return TsvEscaping.unescape(text, open + 1, pos - 1);
                } else {
                    pos++;
                }
            }
            throw new IllegalArgumentException("unterminated quoted string starting at index " + open);
        }

        private void skipBalanced() {
            int depth = 0;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '\'') {
                    quoted();
                    continue;
                }
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                    if (depth == 0) {
                        pos++;
                        return;
                    }
                }
                pos++;
            }
            throw new IllegalArgumentException("unbalanced brackets in array element");
        }

        private void skipSpaces() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
        }

        private char peek() {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("array text ended early");
            }
            return text.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at index " + (pos - 1));
            }
        }
    }
}

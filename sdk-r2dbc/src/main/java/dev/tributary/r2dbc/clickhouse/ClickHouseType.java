package dev.tributary.r2dbc.clickhouse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A parsed ClickHouse type name, as the server writes it in the second header line of
 * {@code TabSeparatedWithNamesAndTypes} ({@code "Nullable(LowCardinality(String))"},
 * {@code "DateTime('Europe/Paris')"}, {@code "Decimal(18, 4)"}, {@code "Array(Nullable(Int32))"},
 * {@code "Enum8('a' = 1, 'b' = 2)"}, {@code "FixedString(16)"} ...). Immutable and thread-safe.
 *
 * <p>{@code Nullable(T)} and {@code LowCardinality(T)} are transparent: {@link #base()},
 * {@link #javaType()}, {@link #precision()} ... describe {@code T}; {@link #isNullable()} says
 * whether {@code Nullable} was present (at any level above {@code T}).
 *
 * <p>The default Java type of each ClickHouse type (what {@code Row.get(i)} returns):
 * <table>
 * <caption>ClickHouse type to Java type</caption>
 * <tr><th>ClickHouse</th><th>Java</th><th>notes</th></tr>
 * <tr><td>Int8, Int16, Int32, Int64</td><td>Byte, Short, Integer, Long</td><td></td></tr>
 * <tr><td>UInt8, UInt16, UInt32</td><td>Short, Integer, Long</td><td>the next wider signed type</td></tr>
 * <tr><td>UInt64, Int128, UInt128, Int256, UInt256</td><td>BigInteger</td><td>convertible to Long when in range</td></tr>
 * <tr><td>Float32, BFloat16, Float64</td><td>Float, Float, Double</td><td>{@code nan}, {@code inf}, {@code -inf} as NaN and infinities</td></tr>
 * <tr><td>Decimal(P, S), Decimal32(S), Decimal64(S), Decimal128(S), Decimal256(S)</td><td>BigDecimal</td>
 *     <td>{@link #precision()} P (9, 18, 38, 76 for the sized forms), {@link #scale()} S</td></tr>
 * <tr><td>String</td><td>String</td><td>decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD)</td></tr>
 * <tr><td>FixedString(N)</td><td>String</td><td>trailing {@code \0} padding kept (N bytes); {@link #precision()} N;
 *     {@code byte[]} through conversion</td></tr>
 * <tr><td>Date, Date32</td><td>LocalDate</td><td>18.16's zero date {@code 0000-00-00} (day 0) is 1970-01-01</td></tr>
 * <tr><td>DateTime, DateTime('tz')</td><td>LocalDateTime</td><td>the wall time in the column's zone
 *     ({@link #zone()}, else the server's); convertible to Instant, OffsetDateTime, ZonedDateTime;
 *     {@code 0000-00-00 00:00:00} is the epoch</td></tr>
 * <tr><td>DateTime64(p[, 'tz'])</td><td>LocalDateTime</td><td>{@link #scale()} p fraction digits; as DateTime</td></tr>
 * <tr><td>UUID</td><td>UUID</td><td></td></tr>
 * <tr><td>Bool</td><td>Boolean</td><td></td></tr>
 * <tr><td>Enum8(..), Enum16(..)</td><td>String</td><td>the element's name; {@link #enumValues()} the declared names and numbers</td></tr>
 * <tr><td>IPv4, IPv6</td><td>String</td><td>the address text; InetAddress through conversion</td></tr>
 * <tr><td>Array(T)</td><td>List</td><td>an unmodifiable {@code java.util.List} of T's Java type ({@code null} for NULL elements);
 *     {@link #elementType()} T</td></tr>
 * <tr><td>Nothing</td><td>Object</td><td>always NULL (the type of a bare {@code NULL})</td></tr>
 * <tr><td>IntervalSecond ... IntervalYear</td><td>Long</td><td></td></tr>
 * <tr><td>SimpleAggregateFunction(f, T)</td><td>as T</td><td></td></tr>
 * <tr><td>Tuple(..), Map(..), Nested(..)</td><td>String</td><td>the raw text exactly as the server wrote it
 *     ({@code (1,'a')}), which is also a valid literal</td></tr>
 * <tr><td>anything else</td><td>String</td><td>the (TSV-unescaped) text; {@link #name()} keeps the type name</td></tr>
 * </table>
 *
 * <pre>{@code
 * ClickHouseType t = ClickHouseType.parse("Nullable(DateTime('Europe/Paris'))");
 * t.base();        // "DateTime"
 * t.isNullable();  // true
 * t.zone();        // Europe/Paris
 * t.javaType();    // LocalDateTime.class
 * }</pre>
 */
public final class ClickHouseType {

    /** How values of a type are decoded; package-private. */
    enum Kind {
        INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, BIG_INTEGER, FLOAT32, FLOAT64, DECIMAL,
        STRING, FIXED_STRING, DATE, DATE_TIME, DATE_TIME64, UUID, BOOL, ENUM, IP, ARRAY, NOTHING,
        INTERVAL, RAW_COMPOSITE, OTHER
    }

    private final String name;
    private final String base;
    private final boolean nullable;
    private final boolean lowCardinality;
    private final Kind kind;
    private final Class<?> javaType;
    private final Integer precision;
    private final Integer scale;
    private final ClickHouseType elementType;
    private final ZoneId zone;
    private final List<String> arguments;
    private final Map<String, Integer> enumValues;

    private ClickHouseType(String name, String base, boolean nullable, boolean lowCardinality, Kind kind,
                           Class<?> javaType, Integer precision, Integer scale, ClickHouseType elementType,
                           ZoneId zone, List<String> arguments, Map<String, Integer> enumValues) {
        this.name = name;
        this.base = base;
        this.nullable = nullable;
        this.lowCardinality = lowCardinality;
        this.kind = kind;
        this.javaType = javaType;
        this.precision = precision;
        this.scale = scale;
        this.elementType = elementType;
        this.zone = zone;
        this.arguments = arguments;
        this.enumValues = enumValues;
    }

    /**
     * Parses a type name as ClickHouse writes it (already TSV-unescaped).
     *
     * @param name the type name, e.g. {@code "Array(Nullable(Decimal(18, 4)))"}; not null
     * @return the parsed type
     * @throws IllegalArgumentException if the text is not a well-formed type name (unbalanced
     *                                  parentheses or quotes, a missing or non-numeric argument of
     *                                  a known type, an unknown time zone); the message quotes the
     *                                  text and names the position
     */
    public static ClickHouseType parse(String name) {
        Objects.requireNonNull(name, "name");
        Parser parser = new Parser(name);
        ClickHouseType type = parser.type();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("unexpected '" + name.charAt(parser.pos) + "'");
        }
        return type;
    }

    /** @return the type name as the server wrote it (for a nested type, its part of the text) */
    public String name() {
        return name;
    }

    /**
     * @return the base type with {@code Nullable} and {@code LowCardinality} unwrapped and no
     *         arguments: {@code "Int32"}, {@code "Decimal"} (also for {@code Decimal64(4)}),
     *         {@code "Array"}, {@code "DateTime"}, {@code "Enum8"} ...
     */
    public String base() {
        return base;
    }

    /** @return whether the values may be NULL ({@code Nullable(..)} around the base type) */
    public boolean isNullable() {
        return nullable;
    }

    /** @return whether {@code LowCardinality(..)} wrapped the type (values are unaffected) */
    public boolean isLowCardinality() {
        return lowCardinality;
    }

    /** @return the default Java type of the values (see the table in the class documentation) */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * @return the decimal precision P for Decimal types, the length N in bytes for
     *         {@code FixedString(N)}, the fraction digits for DateTime64; else {@code null}
     */
    public Integer precision() {
        return precision;
    }

    /** @return the decimal scale S for Decimal types, the fraction digits for DateTime64; else {@code null} */
    public Integer scale() {
        return scale;
    }

    /** @return the element type of an {@code Array(T)}, else {@code null} */
    public ClickHouseType elementType() {
        return elementType;
    }

    /** @return the explicit zone of {@code DateTime('tz')} / {@code DateTime64(p, 'tz')}, else {@code null} */
    public ZoneId zone() {
        return zone;
    }

    /**
     * @return the declared names and numbers of an Enum8/Enum16 in declaration order
     *         (unmodifiable), else an empty map
     */
    public Map<String, Integer> enumValues() {
        return enumValues;
    }

    /**
     * @return the arguments of the base type as raw text (quoted strings still quoted), e.g.
     *         {@code ["18", "4"]} for {@code Decimal(18, 4)}; empty without arguments
     */
    public List<String> arguments() {
        return arguments;
    }

    Kind kind() {
        return kind;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClickHouseType that && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Recursive descent over the type grammar: {@code Name [ '(' argument {',' argument} ')' ]}. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("Malformed ClickHouse type name '" + text + "' at position " + pos + ": " + what);
        }

        ClickHouseType type() {
            skipSpaces();
            int start = pos;
            String identifier = identifier();
            List<int[]> argumentSpans = List.of();
            if (peek() == '(') {
                argumentSpans = argumentSpans();
            }
            int end = pos;
            String own = text.substring(start, end);
            List<String> arguments = new ArrayList<>(argumentSpans.size());
            for (int[] span : argumentSpans) {
                arguments.add(text.substring(span[0], span[1]).strip());
            }
            switch (identifier) {
                case "Nullable":
                case "LowCardinality": {
                    if (argumentSpans.size() != 1) {
                        pos = start;
                        throw error(identifier + " takes one type argument");
                    }
                    ClickHouseType inner = nested(argumentSpans.get(0));
                    boolean isNullable = identifier.equals("Nullable") || inner.nullable;
                    boolean isLow = identifier.equals("LowCardinality") || inner.lowCardinality;
                    return new ClickHouseType(own, inner.base, isNullable, isLow, inner.kind, inner.javaType,
                            inner.precision, inner.scale, inner.elementType, inner.zone, inner.arguments, inner.enumValues);
                }
                case "SimpleAggregateFunction": {
                    if (argumentSpans.size() != 2) {
                        pos = start;
                        throw error("SimpleAggregateFunction takes a function and a type");
                    }
                    ClickHouseType inner = nested(argumentSpans.get(1));
                    return new ClickHouseType(own, inner.base, inner.nullable, inner.lowCardinality, inner.kind,
                            inner.javaType, inner.precision, inner.scale, inner.elementType, inner.zone, inner.arguments,
                            inner.enumValues);
                }
                case "Array": {
                    if (argumentSpans.size() != 1) {
                        pos = start;
                        throw error("Array takes one type argument");
                    }
                    ClickHouseType element = nested(argumentSpans.get(0));
                    return simple(own, "Array", Kind.ARRAY, List.class, null, null, element, null, arguments);
                }
                default:
                    return leaf(own, identifier, arguments, start);
            }
        }

        private ClickHouseType nested(int[] span) {
            int saved = pos;
            pos = span[0];
            ClickHouseType inner = type();
            skipSpaces();
            if (pos != span[1]) {
                throw error("unexpected text after the type " + inner.name);
            }
            pos = saved;
            return inner;
        }

        private ClickHouseType leaf(String own, String identifier, List<String> arguments, int start) {
            switch (identifier) {
                case "Int8": return simple(own, identifier, Kind.INT8, Byte.class, arguments, start);
                case "Int16": return simple(own, identifier, Kind.INT16, Short.class, arguments, start);
                case "Int32": return simple(own, identifier, Kind.INT32, Integer.class, arguments, start);
                case "Int64": return simple(own, identifier, Kind.INT64, Long.class, arguments, start);
                case "UInt8": return simple(own, identifier, Kind.UINT8, Short.class, arguments, start);
                case "UInt16": return simple(own, identifier, Kind.UINT16, Integer.class, arguments, start);
                case "UInt32": return simple(own, identifier, Kind.UINT32, Long.class, arguments, start);
                case "UInt64", "Int128", "UInt128", "Int256", "UInt256":
                    return simple(own, identifier, Kind.BIG_INTEGER, BigInteger.class, arguments, start);
                case "Float32", "BFloat16": return simple(own, identifier, Kind.FLOAT32, Float.class, arguments, start);
                case "Float64": return simple(own, identifier, Kind.FLOAT64, Double.class, arguments, start);
                case "String": return simple(own, identifier, Kind.STRING, String.class, arguments, start);
                case "UUID": return simple(own, identifier, Kind.UUID, UUID.class, arguments, start);
                case "Bool", "Boolean": return simple(own, "Bool", Kind.BOOL, Boolean.class, arguments, start);
                case "Date", "Date32": return simple(own, identifier, Kind.DATE, LocalDate.class, arguments, start);
                case "IPv4", "IPv6": return simple(own, identifier, Kind.IP, String.class, arguments, start);
                case "Nothing": return simple(own, identifier, Kind.NOTHING, Object.class, arguments, start);
                case "FixedString": {
                    int length = intArgument(arguments, 0, 1, start, "FixedString(N)");
                    return simple(own, identifier, Kind.FIXED_STRING, String.class, length, null, null, null, arguments);
                }
                case "Decimal", "Numeric": {
                    if (arguments.isEmpty() || arguments.size() > 2) {
                        pos = start;
                        throw error("Decimal takes (P, S)");
                    }
                    int p = intArgument(arguments, 0, arguments.size(), start, "Decimal(P, S)");
                    int s = arguments.size() == 2 ? intArgument(arguments, 1, 2, start, "Decimal(P, S)") : 0;
                    return simple(own, "Decimal", Kind.DECIMAL, BigDecimal.class, p, s, null, null, arguments);
                }
                case "Decimal32", "Decimal64", "Decimal128", "Decimal256": {
                    int s = intArgument(arguments, 0, 1, start, identifier + "(S)");
                    int p = switch (identifier) {
                        case "Decimal32" -> 9;
                        case "Decimal64" -> 18;
                        case "Decimal128" -> 38;
                        default -> 76;
                    };
                    return simple(own, "Decimal", Kind.DECIMAL, BigDecimal.class, p, s, null, null, arguments);
                }
                case "DateTime": {
                    if (arguments.size() > 1) {
                        pos = start;
                        throw error("DateTime takes at most a time zone");
                    }
                    ZoneId zone = arguments.isEmpty() ? null : zoneArgument(arguments.get(0), start);
                    return simple(own, identifier, Kind.DATE_TIME, LocalDateTime.class, null, null, null, zone, arguments);
                }
                case "DateTime64": {
                    if (arguments.isEmpty() || arguments.size() > 2) {
                        pos = start;
                        throw error("DateTime64 takes (precision[, time zone])");
                    }
                    int p = intArgument(arguments, 0, arguments.size(), start, "DateTime64(p[, tz])");
                    ZoneId zone = arguments.size() == 2 ? zoneArgument(arguments.get(1), start) : null;
                    return simple(own, identifier, Kind.DATE_TIME64, LocalDateTime.class, p, p, null, zone, arguments);
                }
                case "Enum8", "Enum16", "Enum": {
                    Map<String, Integer> values = enumValues(arguments, start);
                    return new ClickHouseType(own, identifier, false, false, Kind.ENUM, String.class, null, null, null,
                            null, List.copyOf(arguments), values);
                }
                case "Tuple", "Map", "Nested":
                    return simple(own, identifier, Kind.RAW_COMPOSITE, String.class, null, null, null, null, arguments);
                default:
                    if (identifier.startsWith("Interval") && arguments.isEmpty()) {
                        return simple(own, identifier, Kind.INTERVAL, Long.class, null, null, null, null, arguments);
                    }
                    return simple(own, identifier, Kind.OTHER, String.class, null, null, null, null, arguments);
            }
        }

        private ClickHouseType simple(String own, String base, Kind kind, Class<?> javaType, List<String> arguments, int start) {
            if (!arguments.isEmpty()) {
                pos = start;
                throw error(base + " takes no arguments");
            }
            return simple(own, base, kind, javaType, null, null, null, null, arguments);
        }

        private static ClickHouseType simple(String own, String base, Kind kind, Class<?> javaType, Integer precision,
                                             Integer scale, ClickHouseType element, ZoneId zone, List<String> arguments) {
            return new ClickHouseType(own, base, false, false, kind, javaType, precision, scale, element, zone,
                    List.copyOf(arguments), Map.of());
        }

        private int intArgument(List<String> arguments, int index, int expectedCount, int start, String form) {
            if (arguments.size() != expectedCount || index >= arguments.size()) {
                pos = start;
                throw error("expected " + form);
            }
            String argument = arguments.get(index);
            try {
                int value = Integer.parseInt(argument);
                if (value < 0) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                pos = start;
                throw error("argument " + (index + 1) + " of " + form + " is not a non-negative integer: '" + argument + "'");
            }
        }

        private ZoneId zoneArgument(String argument, int start) {
            String zoneName = argument.startsWith("'") ? unquote(argument, start) : argument;
            try {
                return ZoneId.of(zoneName);
            } catch (DateTimeException e) {
                pos = start;
                throw error("unknown time zone '" + zoneName + "'");
            }
        }

        private Map<String, Integer> enumValues(List<String> arguments, int start) {
            Map<String, Integer> values = new LinkedHashMap<>();
            for (String argument : arguments) {
                if (!argument.startsWith("'")) {
                    pos = start;
                    throw error("Enum element is not 'name' = number: " + argument);
                }
                int close = closingQuote(argument, 0);
                if (close < 0) {
                    pos = start;
                    throw error("unterminated Enum name: " + argument);
                }
                String elementName = unquote(argument.substring(0, close + 1), start);
                String rest = argument.substring(close + 1).strip();
                if (!rest.startsWith("=")) {
                    pos = start;
                    throw error("Enum element is not 'name' = number: " + argument);
                }
                try {
                    values.put(elementName, Integer.parseInt(rest.substring(1).strip()));
                } catch (NumberFormatException e) {
                    pos = start;
                    throw error("Enum element number is not an integer: " + argument);
                }
            }
            return Collections.unmodifiableMap(values);
        }

        private String unquote(String quoted, int start) {
            if (quoted.length() < 2 || quoted.charAt(0) != '\'' || closingQuote(quoted, 0) != quoted.length() - 1) {
                pos = start;
                throw error("malformed quoted string " + quoted);
            }
            return TsvEscaping.unescape(quoted, 1, quoted.length() - 1);
        }

        /** @return the index of the quote closing the one at {@code open}, or -1 */
        private static int closingQuote(String s, int open) {
            for (int i = open + 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '\'') {
                    return i;
                }
            }
            return -1;
        }

        private char peek() {
            skipSpaces();
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private String identifier() {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (Character.isLetterOrDigit(c) || c == '_') {
                    pos++;
                } else {
                    break;
                }
            }
            if (pos == start) {
                throw error(atEnd() ? "expected a type name but the text ended" : "expected a type name");
            }
            return text.substring(start, pos);
        }

        /** Reads {@code ( ... )}, returning the [start, end) spans of the top-level arguments. */
        private List<int[]> argumentSpans() {
            int open = pos;
            pos++;
            List<int[]> spans = new ArrayList<>();
            int argumentStart = pos;
            int depth = 0;
            while (true) {
                if (atEnd()) {
                    pos = open;
                    throw error("unbalanced '(' (no closing ')')");
                }
                char c = text.charAt(pos);
                if (c == '\'' || c == '`' || c == '"') {
                    int close = closing(c, pos);
                    if (close < 0) {
                        throw error("unterminated quoted text");
                    }
                    pos = close + 1;
                    continue;
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (depth == 0) {
                        spans.add(new int[] {argumentStart, pos});
                        pos++;
                        break;
                    }
                    depth--;
                } else if (c == ',' && depth == 0) {
                    spans.add(new int[] {argumentStart, pos});
                    argumentStart = pos + 1;
                }
                pos++;
            }
            if (spans.size() == 1 && text.substring(spans.get(0)[0], spans.get(0)[1]).isBlank()) {
                return List.of(); // Tuple()
            }
            for (int[] span : spans) {
                if (text.substring(span[0], span[1]).isBlank()) {
                    int saved = span[0];
                    pos = saved;
                    throw error("empty argument");
                }
            }
            return spans;
        }

        private int closing(char quote, int open) {
            for (int i = open + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    return i;
                }
            }
            return -1;
        }
    }
}

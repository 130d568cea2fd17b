package dev.tributary.r2dbc.copy;

import dev.tributary.r2dbc.clickhouse.ClickHouseType;
import dev.tributary.sql.load.ColumnType;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * A ClickHouse column a load writes, and how a source value is checked and turned into the Java
 * value the driver writes as a TabSeparated field. Values of integer, floating point, Decimal,
 * boolean, Date and DateTime columns are checked client-side (a bad one is reported with its line,
 * record and column); values of other types are sent as text for ClickHouse to parse.
 * <p>
 * Empty values are NULL, except in String columns, where an empty JSON string or a quoted empty
 * CSV field ({@code ""}) is an empty string (as in the PostgreSQL load).
 * <p>
 * Types of a table the load creates, by {@link ColumnType}: {@code BIGINT} {@code Nullable(Int64)},
 * {@code DOUBLE_PRECISION} {@code Nullable(Float64)}, {@code BOOLEAN} {@code Nullable(UInt8)} (1/0),
 * {@code DATE} {@code Nullable(Date)}, {@code TIMESTAMPTZ} {@code Nullable(DateTime('UTC'))}
 * (whole seconds: ClickHouse 18.16 has no DateTime64, a fraction of a second is dropped),
 * {@code JSONB} and {@code TEXT} {@code Nullable(String)} (JSON objects and arrays as their JSON text).
 * ClickHouse's Date holds 1970-01-01 to 2105-12-31 and DateTime 1970-01-01T00:00:00Z to
 * 2106-02-07T06:28:15Z (it would silently wrap values outside): values outside are rejected.
 */
final class ClickHouseTarget {

    /** What a column's type accepts. */
    enum Family {
        INTEGER, UNSIGNED64, FLOAT, DECIMAL, BOOLEAN, DATE, DATETIME, TEXT, OTHER
    }

    static final LocalDate DATE_MIN = LocalDate.of(1970, 1, 1);
    static final LocalDate DATE_MAX = LocalDate.of(2105, 12, 31);
    static final long DATETIME_MAX_EPOCH = 0xFFFF_FFFFL;
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** ISO 8601 date-times as {@link ValueSyntax#isTimestamp} accepts them (a space or {@code T}; offset optional). */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .toFormatter(Locale.ROOT);

    private final String name;
    private final String type;
    private final Family family;
    private final long min;
    private final long max;
    private final String typeNote;

    private ClickHouseTarget(String name, String type, Family family, long min, long max, String typeNote) {
        this.name = name;
        this.type = type;
        this.family = family;
        this.min = min;
        this.max = max;
        this.typeNote = typeNote;
    }

    /**
     * @param type a type a load infers
     * @return the ClickHouse type of a column the load creates with it
     */
    static String createdType(ColumnType type) {
        switch (type) {
            case BIGINT:
                return "Nullable(Int64)";
            case DOUBLE_PRECISION:
                return "Nullable(Float64)";
            case BOOLEAN:
                return "Nullable(UInt8)";
            case DATE:
                return "Nullable(Date)";
            case TIMESTAMPTZ:
                return "Nullable(DateTime('UTC'))";
            default:
                return "Nullable(String)";
        }
    }

    /**
     * A column the load creates.
     *
     * @param name     its name
     * @param type     its inferred (or requested) type
     * @param typeNote appended to misfit messages (how the type was chosen), or {@code ""}
     * @return the column
     */
    static ClickHouseTarget created(String name, ColumnType type, String typeNote) {
        String sqlType = createdType(type);
        switch (type) {
            case BIGINT:
                return new ClickHouseTarget(name, sqlType, Family.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE, typeNote);
            case DOUBLE_PRECISION:
                return new ClickHouseTarget(name, sqlType, Family.FLOAT, 0, 0, typeNote);
            case BOOLEAN:
                return new ClickHouseTarget(name, sqlType, Family.BOOLEAN, 0, 0, typeNote);
            case DATE:
                return new ClickHouseTarget(name, sqlType, Family.DATE, 0, 0, typeNote);
            case TIMESTAMPTZ:
                return new ClickHouseTarget(name, sqlType, Family.DATETIME, 0, 0, typeNote);
            default:
                return new ClickHouseTarget(name, sqlType, Family.TEXT, 0, 0, typeNote);
        }
    }

    /**
     * A column of an existing table.
     *
     * @param name its name
     * @param type its type as {@code system.columns} writes it ({@code Nullable(Int32)})
     * @return the column
     */
    static ClickHouseTarget existing(String name, String type) {
        ClickHouseType parsed;
        try {
            parsed = ClickHouseType.parse(type);
        } catch (IllegalArgumentException unknown) {
            return new ClickHouseTarget(name, type, Family.OTHER, 0, 0, "");
        }
        switch (parsed.base()) {
            case "Int8":
                return new ClickHouseTarget(name, type, Family.INTEGER, Byte.MIN_VALUE, Byte.MAX_VALUE, "");
            case "Int16":
                return new ClickHouseTarget(name, type, Family.INTEGER, Short.MIN_VALUE, Short.MAX_VALUE, "");
            case "Int32":
                return new ClickHouseTarget(name, type, Family.INTEGER, Integer.MIN_VALUE, Integer.MAX_VALUE, "");
            case "Int64":
                return new ClickHouseTarget(name, type, Family.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE, "");
            case "UInt8":
                return new ClickHouseTarget(name, type, Family.INTEGER, 0, 255, "");
            case "UInt16":
                return new ClickHouseTarget(name, type, Family.INTEGER, 0, 65_535, "");
            case "UInt32":
                return new ClickHouseTarget(name, type, Family.INTEGER, 0, 0xFFFF_FFFFL, "");
            case "UInt64":
                return new ClickHouseTarget(name, type, Family.UNSIGNED64, 0, 0, "");
            case "Float32":
            case "Float64":
                return new ClickHouseTarget(name, type, Family.FLOAT, 0, 0, "");
            case "Decimal":
            case "Decimal32":
            case "Decimal64":
            case "Decimal128":
                return new ClickHouseTarget(name, type, Family.DECIMAL, 0, 0, "");
            case "Date":
                return new ClickHouseTarget(name, type, Family.DATE, 0, 0, "");
            case "DateTime":
                return new ClickHouseTarget(name, type, Family.DATETIME, 0, 0, "");
            case "String":
                return new ClickHouseTarget(name, type, Family.TEXT, 0, 0, "");
            default:
                return new ClickHouseTarget(name, type, Family.OTHER, 0, 0, "");
        }
    }

    String name() {
        return this.name;
    }

    /** @return the ClickHouse type */
    String type() {
        return this.type;
    }

    String typeNote() {
        return this.typeNote;
    }

    /**
     * Checks a value and converts it for the driver's TabSeparated writer.
     *
     * @param kind  the value's kind ({@link SourceRecord#TEXT}, ...)
     * @param value the value; {@code null} for NULL
     * @return the value to write ({@code null} for NULL), or a {@link Misfit} saying why it does not fit
     */
    Object convert(byte kind, String value) {
        if (value == null) {
            return null;
        }
        if (this.family == Family.TEXT || this.family == Family.OTHER && !(value.isEmpty() && kind == SourceRecord.TEXT)) {
            return value;
        }
        if (value.isEmpty() && kind == SourceRecord.TEXT) {
            return null;
        }
        if (kind == SourceRecord.STRUCTURE) {
            return new Misfit(SourceRecord.kindName(kind) + " is not a " + this.type);
        }
        String s = value.strip();
        switch (this.family) {
            case INTEGER:
                if (kind != SourceRecord.BOOLEAN && ValueSyntax.isInteger(s, this.min, this.max)) {
                    return Long.valueOf(s);
                }
                break;
            case UNSIGNED64:
                if (kind != SourceRecord.BOOLEAN && s.matches("\\+?\\d{1,20}")) {
                    try {
                        BigInteger big = new BigInteger(s);
                        if (big.signum() >= 0 && big.compareTo(UINT64_MAX) <= 0) {
                            return big;
                        }
                    } catch (NumberFormatException e) {
                        // not a number: a misfit
                    }
                }
                break;
            case FLOAT:
                if (kind != SourceRecord.BOOLEAN && ValueSyntax.isFloat(s)) {
                    return parseDouble(s);
                }
                break;
            case DECIMAL:
                if (kind != SourceRecord.BOOLEAN && ValueSyntax.isFloat(s) && !s.toLowerCase(Locale.ROOT).matches("[+-]?(inf|infinity|nan)")) {
                    return new java.math.BigDecimal(s.startsWith("+") ? s.substring(1) : s);
                }
                break;
            case BOOLEAN:
                if (kind != SourceRecord.NUMBER && ValueSyntax.isBoolean(s)) {
                    String lower = s.toLowerCase(Locale.ROOT);
                    return lower.startsWith("t") || lower.startsWith("y") || lower.equals("on") || lower.equals("1");
                }
                break;
            case DATE:
                if (kind == SourceRecord.TEXT && ValueSyntax.isIsoDate(s)) {
                    LocalDate date = LocalDate.parse(s);
                    if (date.isBefore(DATE_MIN) || date.isAfter(DATE_MAX)) {
                        return new Misfit(Quote.value(value) + " is outside the range of ClickHouse's Date (" + DATE_MIN + " to " + DATE_MAX + ")");
                    }
                    return date;
                }
                return new Misfit(misfit(kind, value) + " (expected an ISO 8601 date, like 2024-05-31)");
            case DATETIME:
                if (kind == SourceRecord.TEXT && (ValueSyntax.isTimestamp(s) || ValueSyntax.isIsoDate(s))) {
                    Instant instant = s.length() == 10 ? LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC) : parseTimestamp(s);
                    if (instant == null) {
                        break;
                    }
                    if (instant.getEpochSecond() < 0 || instant.getEpochSecond() > DATETIME_MAX_EPOCH) {
                        return new Misfit(Quote.value(value) + " is outside the range of ClickHouse's DateTime (1970-01-01T00:00:00Z to "
                                + Instant.ofEpochSecond(DATETIME_MAX_EPOCH) + ")");
                    }
                    return instant.truncatedTo(ChronoUnit.SECONDS);
                }
                return new Misfit(misfit(kind, value) + " (expected ISO 8601, like 2024-05-31 or 2024-05-31T12:00:00Z)");
            default:
                throw new IllegalStateException("Unhandled family " + this.family);
        }
        return new Misfit(misfit(kind, value));
    }

    private String misfit(byte kind, String value) {
        String what = kind == SourceRecord.TEXT ? Quote.value(value) : SourceRecord.kindName(kind) + " " + value;
        return what + " is not a " + this.type;
    }

    private static Instant parseTimestamp(String s) {
        try {
            return OffsetDateTime.parse(s, TIMESTAMP).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Double parseDouble(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        boolean negative = lower.startsWith("-");
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        return Double.valueOf(s);
    }

    /** Why a value does not fit its column. */
    record Misfit(String reason) {
    }

    @Override
    public String toString() {
        return this.name + " " + this.type;
    }
}

package dev.tributary.r2dbc.copy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import dev.tributary.sql.load.ColumnType;

import java.io.IOException;
import java.util.Locale;

/**
 * A table column a load writes, and how a source value is checked and written for it as a
 * {@code COPY ... (FORMAT csv)} field. Values are checked client-side for the type families
 * inference produces (integers, floating point and numeric, boolean, date, timestamp[tz], json[b]),
 * so a bad value is reported with its line, record and column; values for other types are passed
 * to PostgreSQL as they are.
 * <p>
 * Empty values are NULL, except in text columns, where an empty JSON string or a quoted empty CSV
 * field ({@code ""}) is an empty string (an unquoted empty CSV field is NULL everywhere, as in
 * PostgreSQL's own CSV format).
 */
final class TargetColumn {

    /** What a column's type accepts. */
    enum Family {
        INTEGER, FLOAT, BOOLEAN, DATE, TIMESTAMP, TIMESTAMPTZ, JSON, TEXT, OTHER
    }

    private final String name;
    private final String sqlType;
    private final Family family;
    private final long min;
    private final long max;
    private final boolean jsonSource;
    private final String typeNote;
    private final String typeName;

    private TargetColumn(String name, String sqlType, Family family, long min, long max, boolean jsonSource, String typeNote) {
        this(name, sqlType, sqlType, family, min, max, jsonSource, typeNote);
    }

    private TargetColumn(String name, String sqlType, String typeName, Family family, long min, long max, boolean jsonSource,
                         String typeNote) {
        this.name = name;
        this.sqlType = sqlType;
        this.family = family;
        this.min = min;
        this.max = max;
        this.jsonSource = jsonSource;
        this.typeNote = typeNote;
        this.typeName = typeName;
    }

    /**
     * A column the load creates.
     *
     * @param name       its name
     * @param type       its type
     * @param jsonSource whether the source is JSON (strings go into {@code jsonb} as JSON strings)
     * @param typeNote   appended to misfit messages (how the type was chosen), or {@code ""}
     * @return the column
     */
    static TargetColumn created(String name, ColumnType type, boolean jsonSource, String typeNote) {
        switch (type) {
            case BIGINT:
                return new TargetColumn(name, type.sqlName(), Family.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE, jsonSource, typeNote);
            case DOUBLE_PRECISION:
                return new TargetColumn(name, type.sqlName(), "float8", Family.FLOAT, 0, 0, jsonSource, typeNote);
            case BOOLEAN:
                return new TargetColumn(name, type.sqlName(), Family.BOOLEAN, 0, 0, jsonSource, typeNote);
            case DATE:
                return new TargetColumn(name, type.sqlName(), Family.DATE, 0, 0, jsonSource, typeNote);
            case TIMESTAMPTZ:
                return new TargetColumn(name, type.sqlName(), Family.TIMESTAMPTZ, 0, 0, jsonSource, typeNote);
            case JSONB:
                return new TargetColumn(name, type.sqlName(), "jsonb", Family.JSON, 0, 0, jsonSource, typeNote);
            default:
                return new TargetColumn(name, type.sqlName(), Family.TEXT, 0, 0, jsonSource, typeNote);
        }
    }

    /**
     * A column of an existing table.
     *
     * @param name       its name
     * @param sqlType    its type as {@code format_type} writes it
     * @param typeName   its (base) type's {@code pg_type.typname}
     * @param jsonSource whether the source is JSON
     * @return the column
     */
    static TargetColumn existing(String name, String sqlType, String typeName, boolean jsonSource) {
        String note = "";
        switch (typeName.toLowerCase(Locale.ROOT)) {
            case "int2":
                return new TargetColumn(name, sqlType, Family.INTEGER, Short.MIN_VALUE, Short.MAX_VALUE, jsonSource, note);
            case "int4":
                return new TargetColumn(name, sqlType, Family.INTEGER, Integer.MIN_VALUE, Integer.MAX_VALUE, jsonSource, note);
            case "int8":
                return new TargetColumn(name, sqlType, Family.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE, jsonSource, note);
            case "float4":
            case "float8":
            case "numeric":
                return new TargetColumn(name, sqlType, typeName, Family.FLOAT, 0, 0, jsonSource, note);
            case "bool":
                return new TargetColumn(name, sqlType, Family.BOOLEAN, 0, 0, jsonSource, note);
            case "date":
                return new TargetColumn(name, sqlType, Family.DATE, 0, 0, jsonSource, note);
            case "timestamp":
                return new TargetColumn(name, sqlType, Family.TIMESTAMP, 0, 0, jsonSource, note);
            case "timestamptz":
                return new TargetColumn(name, sqlType, Family.TIMESTAMPTZ, 0, 0, jsonSource, note);
            case "json":
            case "jsonb":
                return new TargetColumn(name, sqlType, typeName, Family.JSON, 0, 0, jsonSource, note);
            case "text":
            case "varchar":
            case "bpchar":
            case "name":
            case "citext":
                return new TargetColumn(name, sqlType, Family.TEXT, 0, 0, jsonSource, note);
            default:
                return new TargetColumn(name, sqlType, Family.OTHER, 0, 0, jsonSource, note);
        }
    }

    String name() {
        return this.name;
    }

    String sqlType() {
        return this.sqlType;
    }

    Family family() {
        return this.family;
    }

    /** @return what misfit messages append about how the type was chosen */
    String typeNote() {
        return this.typeNote;
    }

    /**
     * Checks a value and writes it as the next field of the current row.
     *
     * @param generator the CSV generator of the {@code COPY} data
     * @param kind      the value's kind ({@link SourceRecord#TEXT}, ...)
     * @param value     the value; {@code null} for NULL
     * @return {@code null} when written, else why the value does not fit (nothing was written)
     * @throws IOException if writing fails
     */
    String write(CsvGenerator generator, byte kind, String value) throws IOException {
        if (value == null) {
            generator.writeNull();
            return null;
        }
        if (value.indexOf('\0') >= 0) {
            return Quote.value(value.replace("\0", "\\0")) + " contains a NUL character, which PostgreSQL cannot store in text";
        }
        if (this.family == Family.TEXT) {
            generator.writeString(value);
            return null;
        }
        if (value.isEmpty() && kind == SourceRecord.TEXT) {
            generator.writeNull();
            return null;
        }
        switch (this.family) {
            case OTHER:
                generator.writeString(value);
                return null;
            case JSON:
                return writeJson(generator, kind, value);
            default:
                break;
        }
        if (kind == SourceRecord.STRUCTURE) {
            return SourceRecord.kindName(kind) + " is not a " + this.sqlType;
        }
        String literal = value;
        boolean fits;
        switch (this.family) {
            case INTEGER:
                fits = kind != SourceRecord.BOOLEAN && ValueSyntax.isInteger(value, this.min, this.max);
                break;
            case FLOAT:
                fits = kind != SourceRecord.BOOLEAN && ValueSyntax.isFloat(value);
                if (fits && !this.typeName.equals("numeric") && !ValueSyntax.inFloatRange(value, this.typeName.equals("float4"))) {
                    return Quote.value(value) + " is out of range for " + this.sqlType;
                }
                break;
            case BOOLEAN:
                fits = kind != SourceRecord.NUMBER && ValueSyntax.isBoolean(value);
                break;
            case DATE:
                fits = kind == SourceRecord.TEXT && ValueSyntax.isDate(value);
                break;
            case TIMESTAMP:
                fits = kind == SourceRecord.TEXT && ValueSyntax.isTimestampOrDate(value);
                break;
            case TIMESTAMPTZ:
                fits = kind == SourceRecord.TEXT && ValueSyntax.isTimestampOrDate(value);
                if (fits) {
                    literal = ValueSyntax.timestamptzLiteral(value);
                }
                break;
            default:
                throw new IllegalStateException("Unhandled family " + this.family);
        }
        if (!fits) {
            String what = kind == SourceRecord.TEXT ? Quote.value(value) : SourceRecord.kindName(kind) + " " + value;
            return what + " is not a" + (startsWithVowel(this.sqlType) ? "n " : " ") + this.sqlType
                    + (this.family == Family.DATE || this.family == Family.TIMESTAMP || this.family == Family.TIMESTAMPTZ
                    ? " (expected ISO 8601, like 2024-05-31 or 2024-05-31T12:00:00Z)" : "");
        }
        generator.writeString(literal);
        return null;
    }

    private String writeJson(CsvGenerator generator, byte kind, String value) throws IOException {
        if (this.typeName.equals("jsonb") && value.contains("\\u0000")) {
            return Quote.value(value) + " holds the escape \\u0000, which jsonb cannot store";
        }
        if (kind != SourceRecord.TEXT) {
            generator.writeString(value); // JSON text already
            return null;
        }
        if (this.jsonSource) {
            StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
            JsonStringEncoder.getInstance().quoteAsString(value, quoted);
            generator.writeString(quoted.append('"').toString());
            return null;
        }
        if (!isJson(value)) {
            return Quote.value(value) + " is not valid JSON";
        }
        generator.writeString(value);
        return null;
    }

    private static boolean isJson(String text) {
        try (JsonParser parser = JsonRecordReader.FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean startsWithVowel(String s) {
        return !s.isEmpty() && "aeiou".indexOf(Character.toLowerCase(s.charAt(0))) >= 0;
    }

    @Override
    public String toString() {
        return this.name + " " + this.sqlType;
    }
}

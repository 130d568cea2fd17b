package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ColumnType;

/**
 * What the values of one source column have in common, for type inference. A column's type is
 * the narrowest of {@link ColumnType} that every non-empty value fits; empty values and
 * {@code null} do not count, and a column without any value is {@link ColumnType#TEXT}.
 * <p>
 * JSON values type a field by themselves: numbers make it {@code bigint} or
 * {@code double precision}, booleans {@code boolean}, objects and arrays {@code jsonb} (whatever
 * else the field holds). Strings alone widen among themselves (one text value makes the field
 * text), but a string in a field of JSON numbers or booleans must parse as one of them; otherwise
 * the field has a type conflict: the first such record is remembered and reported (see
 * {@link #conflict()}) when the table is created from the inferred types.
 */
final class ColumnProfile {

    private final String name;
    private int candidates = ValueSyntax.ALL;
    private boolean seenValue;
    private boolean seenStructure;
    private byte nativeKind = -1;
    private long nativeRecord;
    private String firstText;
    private long firstTextRecord;
    private Conflict conflict;

    ColumnProfile(String name) {
        this.name = name;
    }

    String name() {
        return this.name;
    }

    /**
     * @param kind   the value's kind ({@link SourceRecord#TEXT}, ...)
     * @param value  the value; {@code null} for NULL
     * @param record the 1-based data record
     * @param line   the line where the record starts
     */
    void observe(byte kind, String value, long record, long line) {
        if (value == null || value.isEmpty() && kind == SourceRecord.TEXT) {
            return;
        }
        this.seenValue = true;
        int mask;
        switch (kind) {
            case SourceRecord.STRUCTURE:
                this.seenStructure = true;
                return;
            case SourceRecord.NUMBER:
                mask = ValueSyntax.candidates(value) & (ValueSyntax.BIGINT | ValueSyntax.DOUBLE);
                if (mask == 0) {
                    mask = ValueSyntax.DOUBLE; // JSON numbers like 1E400 or 1.0e5 are numbers all the same
                }
                break;
            case SourceRecord.BOOLEAN:
                mask = ValueSyntax.BOOLEAN;
                break;
            default:
                mask = ValueSyntax.candidates(value);
                if (this.firstText == null && (mask & (ValueSyntax.BIGINT | ValueSyntax.DOUBLE | ValueSyntax.BOOLEAN)) == 0) {
                    this.firstText = value;
                    this.firstTextRecord = record;
                }
        }
        boolean isNative = kind == SourceRecord.NUMBER || kind == SourceRecord.BOOLEAN;
        byte earlierNative = this.nativeKind;
        if (isNative && this.nativeKind < 0) {
            this.nativeKind = kind;
            this.nativeRecord = record;
        }
        this.candidates &= mask;
        if (this.candidates == 0 && this.nativeKind >= 0 && this.conflict == null) {
            String reason;
            if (!isNative) {
                reason = "field '" + this.name + "' holds " + SourceRecord.kindName(this.nativeKind) + " (first in record "
                        + this.nativeRecord + ") but this record has the string " + Quote.value(value);
            } else if (earlierNative >= 0) {
                reason = "field '" + this.name + "' holds " + SourceRecord.kindName(earlierNative) + " (first in record "
                        + this.nativeRecord + ") but this record has " + SourceRecord.kindName(kind);
            } else {
                reason = "field '" + this.name + "' holds the string " + Quote.value(this.firstText) + " (record "
                        + this.firstTextRecord + ") but this record has " + SourceRecord.kindName(kind);
            }
            this.conflict = new Conflict(reason + "; make the field's values one JSON type, or load it as text with columnType(\""
                    + this.name + "\", ColumnType.TEXT)", record, line);
        }
    }

    /** @return the inferred type */
    ColumnType type() {
        if (this.seenStructure) {
            return ColumnType.JSONB;
        }
        if (!this.seenValue) {
            return ColumnType.TEXT;
        }
        return narrowest(this.candidates);
    }

    /** @return the first type conflict between JSON values, or {@code null} (never for a {@code jsonb} column) */
    Conflict conflict() {
        return this.seenStructure ? null : this.conflict;
    }

    /**
     * @param mask candidate bits
     * @return the narrowest type in the mask, {@link ColumnType#TEXT} if none
     */
    static ColumnType narrowest(int mask) {
        if ((mask & ValueSyntax.BIGINT) != 0) {
            return ColumnType.BIGINT;
        }
        if ((mask & ValueSyntax.DOUBLE) != 0) {
            return ColumnType.DOUBLE_PRECISION;
        }
        if ((mask & ValueSyntax.BOOLEAN) != 0) {
            return ColumnType.BOOLEAN;
        }
        if ((mask & ValueSyntax.DATE) != 0) {
            return ColumnType.DATE;
        }
        if ((mask & ValueSyntax.TIMESTAMPTZ) != 0) {
            return ColumnType.TIMESTAMPTZ;
        }
        return ColumnType.TEXT;
    }

    /**
     * @param value a non-empty text value
     * @param type  a type
     * @return whether inference would let the value stand in a column of that type
     */
    static boolean fits(String value, ColumnType type) {
        int mask = ValueSyntax.candidates(value);
        switch (type) {
            case BIGINT:
                return (mask & ValueSyntax.BIGINT) != 0;
            case DOUBLE_PRECISION:
                return (mask & ValueSyntax.DOUBLE) != 0;
            case BOOLEAN:
                return (mask & ValueSyntax.BOOLEAN) != 0;
            case DATE:
                return (mask & ValueSyntax.DATE) != 0;
            case TIMESTAMPTZ:
                return (mask & ValueSyntax.TIMESTAMPTZ) != 0;
            default:
                return true;
        }
    }

    /**
     * A type conflict in a JSON field.
     *
     * @param reason what conflicts
     * @param record the record where it shows
     * @param line   the line where that record starts
     */
    record Conflict(String reason, long record, long line) {
    }
}

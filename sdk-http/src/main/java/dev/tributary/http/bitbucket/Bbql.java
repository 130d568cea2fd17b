package dev.tributary.http.bitbucket;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Bitbucket query-language filter (BBQL), the value of the {@code q} parameter of list endpoints,
 * built without string concatenation: values are rendered and escaped, field paths are checked and
 * {@code AND}/{@code OR} are parenthesised. Immutable; {@link #toString()} is the query text.
 *
 * <pre>{@code
 * Bbql q = Bbql.field("state").eq("open")
 *         .and(Bbql.field("updated_on").gt(LocalDate.of(2026, 1, 1)));
 * // state = "open" AND updated_on > 2026-01-01
 * Flux<Issue> open = bb.issues("ws", "repo").filter(q).list();
 * }</pre>
 *
 * <table>
 *   <caption>Values (Bitbucket REST 2.0 "Filtering and sorting", data types)</caption>
 *   <tr><th>Java</th><th>BBQL</th></tr>
 *   <tr><td>{@code String}, {@code Character}, {@code Enum} (its {@code name()})</td>
 *       <td>double-quoted; {@code "} and {@code \} escaped with {@code \}; control characters
 *       {@code \n}, {@code \r}, {@code \t} escaped the same way</td></tr>
 *   <tr><td>{@code Integer}, {@code Long}, {@code Short}, {@code Byte}, {@code BigInteger},
 *       {@code BigDecimal}, finite {@code Double}/{@code Float}</td><td>unquoted, plain notation</td></tr>
 *   <tr><td>{@code Boolean}</td><td>{@code true} / {@code false}</td></tr>
 *   <tr><td>{@code null}</td><td>{@code null}</td></tr>
 *   <tr><td>{@code LocalDate}</td><td>unquoted ISO-8601 date, {@code 2026-01-31}</td></tr>
 *   <tr><td>{@code OffsetDateTime}, {@code ZonedDateTime}</td><td>unquoted ISO-8601 with offset,
 *       {@code 2026-01-31T14:00:00-07:00}</td></tr>
 *   <tr><td>{@code Instant}</td><td>unquoted ISO-8601 UTC, {@code 2026-01-31T14:00:00Z}</td></tr>
 *   <tr><td>{@code LocalDateTime}</td><td>unquoted ISO-8601 without offset (Bitbucket reads it as UTC)</td></tr>
 * </table>
 * The Bitbucket narrative defines strings as "any text inside double quotes" without saying how a
 * quote inside is written; a backslash escape ({@code \"}, {@code \\}) is what its parser accepts
 * and what the project's emulator parses.
 * <p>
 * Field paths are dotted names of letters, digits and {@code _} ({@code content.raw},
 * {@code reporter.account_id}); anything else is refused with an {@link IllegalArgumentException}
 * naming the path, so that a filter cannot be broken out of by a field name.
 */
public final class Bbql {

    private static final Pattern PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    /** AND binds tighter than OR; a comparison binds tightest. */
    private enum Kind { COMPARISON, AND, OR, RAW }

    private final Kind kind;
    private final String text;          // COMPARISON and RAW
    private final List<Bbql> operands;  // AND and OR

    private Bbql(Kind kind, String text, List<Bbql> operands) {
        this.kind = kind;
        this.text = text;
        this.operands = operands;
    }

    /**
     * @param path a field path as the API names it ({@code state}, {@code updated_on},
     *             {@code assignee.account_id}), without the {@code values.} prefix of the envelope
     * @return the field, to compare with a value
     * @throws IllegalArgumentException when the path is not dotted names of letters, digits and {@code _}
     */
    public static Field field(String path) {
        Objects.requireNonNull(path, "path");
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("invalid BBQL field path '" + path
                    + "': expected dotted names of letters, digits and '_' (e.g. assignee.account_id)");
        }
        return new Field(path);
    }

    /**
     * A query written by hand, sent as given (not checked): for what the builder cannot express.
     * It is parenthesised when combined with {@link #and(Bbql)} or {@link #or(Bbql)}.
     *
     * @param q the BBQL text, e.g. {@code (state = "new" OR state = "open") AND assignee = null}
     * @return the query
     * @throws IllegalArgumentException when {@code q} is blank
     */
    public static Bbql raw(String q) {
        Objects.requireNonNull(q, "q");
        if (q.isBlank()) {
            throw new IllegalArgumentException("a BBQL query must not be blank");
        }
        return new Bbql(Kind.RAW, q.strip(), List.of());
    }

    /**
     * @param other the other condition
     * @return both conditions ({@code this AND other}); an {@code OR} operand is parenthesised
     */
    public Bbql and(Bbql other) {
        return combine(Kind.AND, other);
    }

    /**
     * @param other the other condition
     * @return either condition ({@code this OR other}); an {@code AND} operand is parenthesised too,
     * for the reader
     */
    public Bbql or(Bbql other) {
        return combine(Kind.OR, other);
    }

    /**
     * @param conditions at least one condition
     * @return all of them joined with {@code AND}
     * @throws IllegalArgumentException when there is none
     */
    public static Bbql allOf(Bbql... conditions) {
        return fold(Kind.AND, conditions);
    }

    /**
     * @param conditions at least one condition
     * @return all of them joined with {@code OR}
     * @throws IllegalArgumentException when there is none
     */
    public static Bbql anyOf(Bbql... conditions) {
        return fold(Kind.OR, conditions);
    }

    /** @return the query text, the value of the {@code q} parameter (before URL encoding) */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        render(out, null);
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bbql && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    private static Bbql fold(Kind kind, Bbql[] conditions) {
        Objects.requireNonNull(conditions, "conditions");
        if (conditions.length == 0) {
            throw new IllegalArgumentException("at least one condition is needed");
        }
        Bbql result = Objects.requireNonNull(conditions[0], "condition 1");
        for (int i = 1; i < conditions.length; i++) {
            result = result.combine(kind, Objects.requireNonNull(conditions[i], "condition " + (i + 1)));
        }
        return result;
    }

    private Bbql combine(Kind kind, Bbql other) {
        Objects.requireNonNull(other, "other");
        List<Bbql> operands = new ArrayList<>();
        for (Bbql side : List.of(this, other)) {
            if (side.kind == kind) {
                operands.addAll(side.operands);     // a AND (b AND c) is a AND b AND c
            } else {
                operands.add(side);
            }
        }
        return new Bbql(kind, null, List.copyOf(operands));
    }

    private void render(StringBuilder out, Kind parent) {
        switch (this.kind) {
            case COMPARISON -> out.append(this.text);
            case RAW -> {
                if (parent != null) {
                    out.append('(').append(this.text).append(')');
                } else {
                    out.append(this.text);
                }
            }
            default -> {
                boolean parenthesise = parent != null && parent != this.kind;
                if (parenthesise) {
                    out.append('(');
                }
                String separator = this.kind == Kind.AND ? " AND " : " OR ";
                for (int i = 0; i < this.operands.size(); i++) {
                    if (i > 0) {
                        out.append(separator);
                    }
                    this.operands.get(i).render(out, this.kind);
                }
                if (parenthesise) {
                    out.append(')');
                }
            }
        }
    }

    /**
     * Renders one value as a BBQL literal.
     *
     * @throws IllegalArgumentException for a type BBQL has no literal for, or a non-finite number
     */
    static String literal(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return quote(value.toString());
        }
        if (value instanceof Enum<?> e) {
            return quote(e.name());
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("BBQL has no literal for the number " + value);
            }
            return new BigDecimal(value.toString()).toPlainString();
        }
        if (value instanceof LocalDate d) {
            return d.format(DateTimeFormatter.ISO_LOCAL_DATE);
        }
        if (value instanceof OffsetDateTime t) {
            return t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        if (value instanceof ZonedDateTime t) {
            return t.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        if (value instanceof Instant t) {
            return DateTimeFormatter.ISO_INSTANT.format(t);
        }
        if (value instanceof LocalDateTime t) {
            return t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        }
        throw new IllegalArgumentException("BBQL has no literal for a " + value.getClass().getName()
                + ": use a String, number, Boolean, null, LocalDate, OffsetDateTime, ZonedDateTime, Instant or LocalDateTime");
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** A field path, to be compared with a value. Immutable. */
    public static final class Field {

        private final String path;

        private Field(String path) {
            this.path = path;
        }

        /** @return the field path */
        public String path() {
            return this.path;
        }

        /**
         * @param value the value ({@code null} gives {@code = null}); see the table of {@link Bbql}
         * @return {@code path = value}
         * @throws IllegalArgumentException for a value BBQL cannot express
         */
        public Bbql eq(Object value) {
            return compare("=", value);
        }

        /**
         * @param value the value
         * @return {@code path != value}
         * @throws IllegalArgumentException for a value BBQL cannot express
         */
        public Bbql ne(Object value) {
            return compare("!=", value);
        }

        /**
         * @param text the text to find (case-insensitive on Bitbucket)
         * @return {@code path ~ "text"}
         */
        public Bbql contains(String text) {
            return compare("~", Objects.requireNonNull(text, "text"));
        }

        /**
         * @param text the text that must not occur (case-insensitive on Bitbucket)
         * @return {@code path !~ "text"}
         */
        public Bbql notContains(String text) {
            return compare("!~", Objects.requireNonNull(text, "text"));
        }

        /**
         * @param value the bound (a date, a number, a string such as a priority)
         * @return {@code path > value}
         */
        public Bbql gt(Object value) {
            return compare(">", Objects.requireNonNull(value, "value"));
        }

        /**
         * @param value the bound
         * @return {@code path >= value}
         */
        public Bbql ge(Object value) {
            return compare(">=", Objects.requireNonNull(value, "value"));
        }

        /**
         * @param value the bound
         * @return {@code path < value}
         */
        public Bbql lt(Object value) {
            return compare("<", Objects.requireNonNull(value, "value"));
        }

        /**
         * @param value the bound
         * @return {@code path <= value}
         */
        public Bbql le(Object value) {
            return compare("<=", Objects.requireNonNull(value, "value"));
        }

        /**
         * @param values at least one value
         * @return {@code path IN (v1, v2, ...)}
         * @throws IllegalArgumentException when there is no value
         */
        public Bbql in(Object... values) {
            return list("IN", values);
        }

        /**
         * @param values at least one value
         * @return {@code path IN (v1, v2, ...)}
         */
        public Bbql in(Collection<?> values) {
            return list("IN", Objects.requireNonNull(values, "values").toArray());
        }

        /**
         * @param values at least one value
         * @return {@code path NOT IN (v1, v2, ...)}
         * @throws IllegalArgumentException when there is no value
         */
        public Bbql notIn(Object... values) {
            return list("NOT IN", values);
        }

        /**
         * @param values at least one value
         * @return {@code path NOT IN (v1, v2, ...)}
         */
        public Bbql notIn(Collection<?> values) {
            return list("NOT IN", Objects.requireNonNull(values, "values").toArray());
        }

        /** @return {@code path = null} */
        public Bbql isNull() {
            return compare("=", null);
        }

        /** @return {@code path != null} */
        public Bbql isNotNull() {
            return compare("!=", null);
        }

        private Bbql compare(String operator, Object value) {
            return new Bbql(Kind.COMPARISON, this.path + ' ' + operator + ' ' + literal(value), List.of());
        }

        private Bbql list(String operator, Object[] values) {
            Objects.requireNonNull(values, "values");
            if (values.length == 0) {
                throw new IllegalArgumentException(this.path + ' ' + operator + " needs at least one value");
            }
            StringBuilder out = new StringBuilder(this.path).append(' ').append(operator).append(" (");
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                out.append(literal(values[i]));
            }
            return new Bbql(Kind.COMPARISON, out.append(')').toString(), List.of());
        }

        @Override
        public String toString() {
            return this.path;
        }
    }
}

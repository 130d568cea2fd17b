package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SQL statement, run as one HTTP POST per set of bindings. Bind markers are {@code $1} ..
 * {@code $n} ({@code bind(0, v)} fills {@code $1}; {@code bind("$1", v)} too). By default the
 * values are substituted client-side as escaped SQL literals ({@link ClickHouseLiterals}); with
 * server-side parameters ({@link ClickHouseConnectionConfiguration.ServerSideParameters}) each
 * marker becomes {@code {pN:Type}} and its value a {@code param_pN} URL parameter.
 * <p>
 * Statements that return rows ({@code SELECT}, {@code WITH}, {@code SHOW}, {@code DESCRIBE},
 * {@code EXISTS}) get {@code FORMAT TabSeparatedWithNamesAndTypes} appended unless they name that
 * format themselves; another output format is refused (the driver reads only that one).
 *
 * <pre>{@code
 * Flux<String> names = Flux.from(connection.createStatement("SELECT name FROM system.tables WHERE database = $1")
 *         .bind(0, "system").execute())
 *     .flatMap(result -> result.map((row, meta) -> row.get("name", String.class)));
 * }</pre>
 */
public final class ClickHouseStatement implements Statement {

    /** The format the driver reads. */
    static final String FORMAT = "TabSeparatedWithNamesAndTypes";

    private static final Set<String> ROW_KEYWORDS = Set.of("SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS");
    private static final Set<String> FORMAT_ALIASES = Set.of("TABSEPARATEDWITHNAMESANDTYPES", "TSVWITHNAMESANDTYPES");
    private static final Pattern TRAILING_FORMAT = Pattern.compile("(?is).*\\bFORMAT\\s+([A-Za-z0-9_]+)\\s*;?\\s*");
    private static final Pattern MARKER_NAME = Pattern.compile("\\$([1-9][0-9]*)");

    private final ClickHouseConnection connection;
    private final String sql;
    private final ClickHouseSql parsed;
    private final int parameterCount;
    private final List<Binding> bindings = new ArrayList<>();
    private Binding current;

    ClickHouseStatement(ClickHouseConnection connection, String sql) {
        this.connection = connection;
        this.sql = Objects.requireNonNull(sql, "sql");
        this.parsed = ClickHouseSql.parse(sql);
        this.parameterCount = parsed.parameterCount();
        this.current = new Binding(parameterCount);
    }

    /**
     * Saves the current bindings and starts a new set: {@link #execute()} then runs the statement
     * once per set (one POST each).
     *
     * @throws IllegalStateException naming the first marker without a value
     */
    @Override
    public ClickHouseStatement add() {
        current.requireComplete();
        bindings.add(current);
        current = new Binding(parameterCount);
        return this;
    }

    /**
     * @param index 0-based: 0 fills {@code $1}
     * @param value the value; a {@link Parameter} is unwrapped
     * @throws IndexOutOfBoundsException when there is no such marker
     * @throws IllegalArgumentException  when the value's type has no ClickHouse literal
     */
    @Override
    public ClickHouseStatement bind(int index, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (use bindNull for NULL)");
        }
        Object unwrapped = value instanceof Parameter ? ((Parameter) value).getValue() : value;
        Class<?> type = value instanceof Parameter ? ((Parameter) value).getType().getJavaType() : value.getClass();
        current.set(checkIndex(index), unwrapped, type);
        return this;
    }

    /**
     * @param name a marker name: {@code $1} .. {@code $n}
     * @throws NoSuchElementException  when the statement has no such marker
     * @throws IllegalArgumentException when {@code name} or {@code value} is {@code null}
     */
    @Override
    public ClickHouseStatement bind(String name, Object value) {
        return bind(indexOf(name), value);
    }

    /**
     * @param index 0-based: 0 fills {@code $1}
     * @param type  the value's Java type (server-side parameters use it for the ClickHouse type)
     */
    @Override
    public ClickHouseStatement bindNull(int index, Class<?> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        current.set(checkIndex(index), null, type);
        return this;
    }

    @Override
    public ClickHouseStatement bindNull(String name, Class<?> type) {
        return bindNull(indexOf(name), type);
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= parameterCount) {
            throw new IndexOutOfBoundsException("Bind index " + index + " has no marker: the statement has "
                    + (parameterCount == 0 ? "no markers" : "markers $1..$" + parameterCount + " (indexes 0.." + (parameterCount - 1) + ")"));
        }
        return index;
    }

    private int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        Matcher matcher = MARKER_NAME.matcher(name);
        int index = matcher.matches() ? Integer.parseInt(matcher.group(1)) - 1 : -1;
        if (index < 0 || index >= parameterCount) {
            throw new NoSuchElementException("No bind marker '" + name + "' in the statement (markers: "
                    + (parameterCount == 0 ? "none" : "$1..$" + parameterCount) + ")");
        }
        return index;
    }

    /**
     * Runs the statement, once per set of bindings, one after the other.
     *
     * @return one result per run, each emitted when its response headers arrived; errors: see
     *         {@link ClickHouseResult#map}; a server error before rows as the same exceptions
     * @throws IllegalStateException naming the marker when a value is missing
     */
    @Override
    public Flux<ClickHouseResult> execute() {
        List<Binding> runs = new ArrayList<>(bindings);
        boolean trailingAdd = false;
        if (parameterCount > 0) {
            if (!current.isEmpty() || runs.isEmpty()) {
                current.requireComplete();
                runs.add(current);
            } else {
                trailingAdd = true;
            }
        } else {
            runs.add(current);
        }
        boolean serverSide = connection.useServerSideParameters();
        List<Request> requests = new ArrayList<>(runs.size());
        for (Binding binding : runs) {
            requests.add(serverSide ? binding.serverSide(parsed) : binding.clientSide(parsed, sql));
        }
        Flux<ClickHouseResult> results = Flux.fromIterable(requests).concatMap(request -> connection.run(request.sql, request.parameters, sql), 1);
        // add() after the last set of bindings: the sets before it run, then the empty one is an error (as the R2DBC TCK expects)
        return trailingAdd ? results.concatWith(Flux.error(() -> new TrailingAddException(sql))) : results;
    }

    /** {@link #add()} was called after the last set of bindings: the set it started has no values. */
    static final class TrailingAddException extends io.r2dbc.spi.R2dbcNonTransientException {

        private static final long serialVersionUID = 1L;

        TrailingAddException(String sql) {
            super("add() was called after the last bindings: the set of bindings it started is empty (the sets before it ran)", null, 0, sql);
        }
    }

    /** The SQL to send and its extra URL parameters. */
    record Request(String sql, Map<String, String> parameters) {
    }

    /**
     * @return whether the statement returns rows (its first keyword, after comments and parentheses,
     *         is one of SELECT, WITH, SHOW, DESCRIBE, DESC, EXISTS)
     */
    static boolean returnsRows(String sql) {
        String keyword = firstKeyword(sql);
        return ROW_KEYWORDS.contains(keyword);
    }

    /**
     * @param sql a statement that returns rows
     * @return the body to send: {@code sql} up to its last token (trailing semicolons and comments
     *         dropped) with {@code FORMAT TabSeparatedWithNamesAndTypes} appended on a line of its
     *         own, unless it already names that format
     * @throws IllegalArgumentException when it names another output format
     */
    static String withFormat(String sql) {
        String statement = sql.substring(0, significantEnd(sql));
        Matcher matcher = TRAILING_FORMAT.matcher(statement);
        if (matcher.matches()) {
            String format = matcher.group(1);
            if (FORMAT_ALIASES.contains(format.toUpperCase(Locale.ROOT))) {
                return statement;
            }
            throw new IllegalArgumentException("The driver reads " + FORMAT + " results; remove 'FORMAT " + format + "' from: " + sql);
        }
        return statement + "\nFORMAT " + FORMAT;
    }

    /**
     * @return the index after the statement's last significant character: whitespace, comments
     *         (line comments after {@code --}, block comments) and
     *         trailing semicolons do not count; quoted text ({@code '..'}, {@code `..`}, {@code ".."}, backslash escapes) does
     */
    static int significantEnd(String sql) {
        int n = sql.length();
        int end = 0;
        int semicolons = -1;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '`' || c == '"') {
                int j = i + 1;
                while (j < n && sql.charAt(j) != c) {
                    j += sql.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 1);
                end = i;
                semicolons = -1;
            } else {
                if (c == ';') {
                    if (semicolons < 0) {
                        // the end of the statement before its trailing semicolons
                        semicolons = end;
                    }
                } else {
                    semicolons = -1;
                }
                i++;
                end = i;
            }
        }
        return semicolons >= 0 ? semicolons : end;
    }

    private static String firstKeyword(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "ClickHouseStatement{" + sql + "}";
    }

    /** One set of values for the markers. */
    private static final class Binding {

        private static final Object UNSET = new Object();

        private final Object[] values;
        private final Class<?>[] types;
        private final String[] literals;

        Binding(int count) {
            values = new Object[count];
            types = new Class<?>[count];
            literals = new String[count];
            Arrays.fill(values, UNSET);
        }

        void set(int index, Object value, Class<?> type) {
            // rendered now, so that an unsupported type fails at bind() and names the value's class
            literals[index] = ClickHouseLiterals.literal(value);
            values[index] = value;
            types[index] = type;
        }

        boolean isEmpty() {
            for (Object value : values) {
                if (value != UNSET) {
                    return false;
                }
            }
            return true;
        }

        void requireComplete() {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == UNSET) {
                    throw new IllegalStateException("No value bound for marker $" + (i + 1) + " (bind index " + i + ")");
                }
            }
        }

        Request clientSide(ClickHouseSql parsed, String sql) {
            return new Request(literals.length == 0 ? sql : parsed.render(Arrays.asList(literals)), Map.of());
        }

        Request serverSide(ClickHouseSql parsed) {
            List<String> placeholders = new ArrayList<>(values.length);
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                String type = serverType(values[i], types[i]);
                if (type == null) {
                    placeholders.add(literals[i]);
                    continue;
                }
                String name = "p" + (i + 1);
                placeholders.add("{" + name + ":" + type + "}");
                StringBuilder text = new StringBuilder();
                ClickHouseLiterals.appendTsvField(text, values[i]);
                parameters.put("param_" + name, text.toString());
            }
            return new Request(parsed.render(placeholders), parameters);
        }

        /** The ClickHouse type of a server-side parameter, or {@code null} to send the value as a literal. */
        private static String serverType(Object value, Class<?> type) {
            String base = baseType(value, type);
            if (base == null) {
                return null;
            }
            return value == null ? "Nullable(" + base + ")" : base;
        }

        private static String baseType(Object value, Class<?> type) {
            if (type == Byte.class) {
                return "Int8";
            } else if (type == Short.class) {
                return "Int16";
            } else if (type == Integer.class) {
                return "Int32";
            } else if (type == Long.class) {
                return "Int64";
            } else if (type == Float.class) {
                return "Float32";
            } else if (type == Double.class) {
                return "Float64";
            } else if (type == String.class) {
                return "String";
            } else if (type == Boolean.class) {
                return "UInt8";
            } else if (type == BigDecimal.class) {
                int scale = value == null ? 0 : Math.max(0, ((BigDecimal) value).scale());
                return scale > 38 ? null : "Decimal(38, " + scale + ")";
            } else if (type == LocalDate.class) {
                return "Date";
            } else if (type == LocalDateTime.class) {
                return "DateTime";
            } else if (type == Instant.class) {
                return "DateTime('UTC')";
            } else if (type == UUID.class) {
                return "UUID";
            }
            return null;
        }
    }
}

package dev.tributary.r2dbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One pass over a SQL string in PostgreSQL's lexical rules: named parameters ({@code :name}),
 * positional parameters ({@code $1}), the leading keyword, whether there is more than one
 * statement, and the string literals that follow {@code PASSWORD} (so that messages can show the
 * SQL without a secret). String literals ({@code '...'}, {@code E'...'} with backslash escapes),
 * quoted identifiers, dollar-quoted strings ({@code $tag$...$tag$}), line and (nested) block
 * comments and {@code ::} casts are skipped. Immutable.
 * <p>
 * ClickHouse's lexical rules ({@link Dialect#CLICKHOUSE}) differ where it matters for finding
 * parameters: a backslash escapes the next character in every string literal and quoted identifier
 * ({@code 'it\'s'}), identifiers may be quoted in backticks, and there are no dollar-quoted
 * strings. Parsed in PostgreSQL's rules, {@code 'it\'s :x'} would end at the second quote and
 * {@code :x} would be taken for a parameter; {@link Dialect#CLICKHOUSE} reads it as one literal.
 */
final class SqlText {

    /** Whose lexical rules the SQL follows. */
    enum Dialect {
        /** PostgreSQL and its family: standard strings ({@code ''} escapes a quote), {@code E'...'}, {@code $tag$...$tag$}. */
        POSTGRESQL,
        /** ClickHouse and ByteHouse: backslash escapes in strings and quoted identifiers, backtick identifiers. */
        CLICKHOUSE;

        /**
         * @param productName a connection factory's {@code ConnectionFactoryMetadata#getName()}
         * @return {@link #CLICKHOUSE} for {@code ClickHouse} and {@code ByteHouse}, else {@link #POSTGRESQL}
         */
        static Dialect ofProduct(String productName) {
            return "ClickHouse".equalsIgnoreCase(productName) || "ByteHouse".equalsIgnoreCase(productName) ? CLICKHOUSE : POSTGRESQL;
        }
    }

    private static final String REDACTED = "'REDACTED'";

    /**
     * Words that make a statement that starts like a query a write (a data-modifying CTE,
     * {@code SELECT ... INTO}, {@code FOR UPDATE}) or give it side effects (sequences).
     */
    private static final Set<String> WRITE_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "COPY", "NEXTVAL", "SETVAL");

    private final String sql;
    private final String positionalSql;
    private final Map<String, Integer> parameterIndexes;
    private final boolean positionalParameters;
    private final String leadingKeyword;
    private final boolean multipleStatements;
    private final String redacted;
    private final boolean writeWords;

    private SqlText(String sql, String positionalSql, Map<String, Integer> parameterIndexes, boolean positionalParameters,
                    String leadingKeyword, boolean multipleStatements, String redacted, boolean writeWords) {
        this.sql = sql;
        this.positionalSql = positionalSql;
        this.parameterIndexes = parameterIndexes;
        this.positionalParameters = positionalParameters;
        this.leadingKeyword = leadingKeyword;
        this.multipleStatements = multipleStatements;
        this.redacted = redacted;
        this.writeWords = writeWords;
    }

    static SqlText parse(String sql) {
        return parse(sql, Dialect.POSTGRESQL);
    }

    static SqlText parse(String sql, Dialect dialect) {
        boolean clickHouse = dialect == Dialect.CLICKHOUSE;
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("sql must not be null or blank");
        }
        int n = sql.length();
        StringBuilder positional = new StringBuilder(n);
        StringBuilder redacted = new StringBuilder(n);
        Map<String, Integer> names = new LinkedHashMap<>();
        boolean dollarParams = false;
        String leading = null;
        boolean sawStatementEnd = false;
        boolean multiple = false;
        String previousWord = null;
        boolean writeWords = false;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            if (c == '\'' || (!clickHouse && (c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\''
                    && (i == 0 || !isIdentifierPart(sql.charAt(i - 1))))) {
                boolean escapeString = c != '\'';
                i = skipQuoted(sql, escapeString ? i + 1 : i, '\'', escapeString || clickHouse);
                String literal = sql.substring(start, i);
                positional.append(literal);
                redacted.append("PASSWORD".equals(previousWord) ? REDACTED : literal);
                previousWord = null;
                continue;
            }
            if (c == '"' || clickHouse && c == '`') {
                i = skipQuoted(sql, i, c, clickHouse);
                appendBoth(positional, redacted, sql, start, i);
                previousWord = null;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol;
                appendBoth(positional, redacted, sql, start, i);
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i);
                appendBoth(positional, redacted, sql, start, i);
                continue;
            }
            if (c == '$') {
                int tagEnd = clickHouse ? -1 : dollarTagEnd(sql, i);
                if (tagEnd > 0) {
                    String tag = sql.substring(i, tagEnd + 1);
                    int close = sql.indexOf(tag, tagEnd + 1);
                    i = close < 0 ? n : close + tag.length();
                    String literal = sql.substring(start, i);
                    positional.append(literal);
                    redacted.append("PASSWORD".equals(previousWord) ? REDACTED : literal);
                    previousWord = null;
                    continue;
                }
                if (i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                    dollarParams = true;
                }
            }
            if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                positional.append("::");
                redacted.append("::");
                i += 2;
                continue;
            }
            if (c == ':' && i + 1 < n && isIdentifierStart(sql.charAt(i + 1)) && (i == 0 || sql.charAt(i - 1) != ':')) {
                int end = i + 1;
                while (end < n && isIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                String name = sql.substring(i + 1, end);
                Integer index = names.computeIfAbsent(name, k -> names.size());
                positional.append('$').append(index + 1);
                redacted.append(sql, i, end);
                i = end;
                continue;
            }
            if (isIdentifierStart(c)) {
                int end = i;
                while (end < n && isIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                String word = sql.substring(i, end).toUpperCase(Locale.ROOT);
                if (leading == null) {
                    leading = word;
                }
                if (sawStatementEnd) {
                    multiple = true;
                }
                previousWord = word;
                writeWords |= WRITE_WORDS.contains(word);
                appendBoth(positional, redacted, sql, i, end);
                i = end;
                continue;
            }
            if (c == ';') {
                sawStatementEnd = true;
            } else if (!Character.isWhitespace(c) && c != '(' && sawStatementEnd) {
                multiple = true;
            }
            if (!Character.isWhitespace(c)) {
                previousWord = c == '=' ? previousWord : null;
            }
            positional.append(c);
            redacted.append(c);
            i++;
        }
        if (!names.isEmpty() && dollarParams) {
            throw new IllegalArgumentException("sql mixes named (:name) and positional ($1) parameters; use one style: "
                    + redacted);
        }
        return new SqlText(sql, names.isEmpty() ? sql : positional.toString(), Collections.unmodifiableMap(names),
                dollarParams, leading == null ? "" : leading, multiple, redacted.toString(), writeWords);
    }

    private static void appendBoth(StringBuilder a, StringBuilder b, String sql, int from, int to) {
        a.append(sql, from, to);
        b.append(sql, from, to);
    }

    private static int skipQuoted(String sql, int openIndex, char quote, boolean backslashEscapes) {
        int i = openIndex + 1;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    private static int skipBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        int n = sql.length();
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** @return the index of the closing '$' of a dollar-quote tag starting at {@code i}, or -1 */
    private static int dollarTagEnd(String sql, int i) {
        if (i > 0 && isIdentifierPart(sql.charAt(i - 1))) {
            return -1;
        }
        int j = i + 1;
        int n = sql.length();
        if (j < n && sql.charAt(j) == '$') {
            return j;
        }
        if (j >= n || !isIdentifierStart(sql.charAt(j))) {
            return -1;
        }
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        return j < n && sql.charAt(j) == '$' ? j : -1;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** @return the SQL as the user wrote it */
    String sql() {
        return this.sql;
    }

    /** @return the SQL with named parameters rewritten to {@code $n} (the SQL itself when it has none) */
    String positionalSql() {
        return this.positionalSql;
    }

    /** @return named parameters to their 0-based positional index, in order of first appearance */
    Map<String, Integer> parameterIndexes() {
        return this.parameterIndexes;
    }

    boolean hasNamedParameters() {
        return !this.parameterIndexes.isEmpty();
    }

    boolean hasPositionalParameters() {
        return this.positionalParameters;
    }

    /** @return the first keyword, upper case ({@code SELECT}, {@code WITH}, ...), or empty */
    String leadingKeyword() {
        return this.leadingKeyword;
    }

    boolean hasMultipleStatements() {
        return this.multipleStatements;
    }

    /**
     * @return whether this is a single query whose rows can be fetched in portions (a portal):
     *         {@code SELECT}, {@code WITH}, {@code VALUES}, {@code TABLE}
     */
    boolean isSingleQuery() {
        if (this.multipleStatements) {
            return false;
        }
        switch (this.leadingKeyword) {
            case "SELECT":
            case "WITH":
            case "VALUES":
            case "TABLE":
                return true;
            default:
                return false;
        }
    }

    /**
     * Whether the statement only reads, so that running it twice has the effect of running it
     * once: one {@code SELECT}, {@code WITH ... SELECT}, {@code VALUES}, {@code TABLE} or
     * {@code SHOW}, with none of the words {@code INSERT}, {@code UPDATE}, {@code DELETE},
     * {@code MERGE}, {@code INTO}, {@code COPY}, {@code nextval}, {@code setval} outside literals
     * and comments (so no data-modifying CTE, no {@code SELECT ... INTO}, no
     * {@code FOR UPDATE}). Conservative: a read that calls a function with side effects cannot be
     * told from here; mark such a statement {@code idempotent(false)}.
     *
     * @return whether the statement is a read
     */
    boolean isRead() {
        if (this.multipleStatements || this.writeWords) {
            return false;
        }
        return isSingleQuery() || "SHOW".equals(this.leadingKeyword);
    }

    /** @return the SQL with literals following {@code PASSWORD} replaced, for messages and logs */
    String redacted() {
        return this.redacted;
    }

    /** @return parameter names, in order of first appearance */
    List<String> parameterNames() {
        return new ArrayList<>(this.parameterIndexes.keySet());
    }

    @Override
    public String toString() {
        return this.redacted;
    }
}

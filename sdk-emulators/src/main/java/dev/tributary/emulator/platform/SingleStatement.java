package dev.tributary.emulator.platform;

/**
 * Tells how many SQL statements a string holds, in PostgreSQL's lexical rules: semicolons inside
 * string literals ({@code '...'}, {@code E'...'} with backslash escapes), quoted identifiers,
 * dollar-quoted strings ({@code $tag$...$tag$}), line comments and (nested) block comments do not
 * separate statements; trailing semicolons and whitespace do not make a second statement.
 */
final class SingleStatement {

    private SingleStatement() {
    }

    /**
     * @param sql the text
     * @return the text without the trailing semicolons (and what follows them: whitespace, comments)
     * @throws ApiError 400 {@code QueryError} when it holds more than one statement or none
     */
    static String require(String sql) {
        int n = sql.length();
        boolean sawCode = false;
        boolean separated = false;   // a ';' after code
        int keepEnd = 0;             // end of the last code or comment before the first trailing ';'
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            boolean comment = false;
            if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'' && (i == 0 || !identifierPart(sql.charAt(i - 1))))) {
                boolean backslash = c != '\'';
                i = skipQuoted(sql, backslash ? i + 1 : i, '\'', backslash);
            } else if (c == '"') {
                i = skipQuoted(sql, i, '"', false);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                comment = true;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i);
                comment = true;
            } else if (c == '$' && (i == 0 || !identifierPart(sql.charAt(i - 1)))) {
                int tagEnd = dollarTagEnd(sql, i);
                if (tagEnd > 0) {
                    String tag = sql.substring(i, tagEnd);
                    int close = sql.indexOf(tag, tagEnd);
                    i = close < 0 ? n : close + tag.length();
                } else {
                    i++;
                }
            } else if (c == ';') {
                separated = sawCode;
                i++;
                continue;
            } else if (Character.isWhitespace(c)) {
                i++;
                continue;
            } else {
                i++;
            }
            if (comment) {
                if (!separated) {
                    keepEnd = i;
                }
                continue;
            }
            if (separated) {
                throw ApiError.badRequest("QueryError", "The query string holds more than one statement; the query endpoint runs one "
                        + "statement per request");
            }
            sawCode = true;
            keepEnd = i;
        }
        if (!sawCode) {
            throw ApiError.badRequest("QueryError", "The query string holds no statement");
        }
        return sql.substring(0, keepEnd);
    }

    /**
     * @param sql one statement
     * @return its first keyword, upper case ({@code SELECT}, {@code WITH}, ...), or empty
     */
    static String leadingKeyword(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i);
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toUpperCase(java.util.Locale.ROOT);
    }

    private static int skipQuoted(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
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

    /** @return the index after a dollar-quote tag starting at {@code i} ({@code $$}, {@code $tag$}), or -1 */
    private static int dollarTagEnd(String sql, int i) {
        int j = i + 1;
        int n = sql.length();
        while (j < n) {
            char c = sql.charAt(j);
            if (c == '$') {
                return j + 1;
            }
            if (!(Character.isLetter(c) || c == '_' || (j > i + 1 && Character.isDigit(c)))) {
                return -1;
            }
            j++;
        }
        return -1;
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}

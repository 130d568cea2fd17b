package dev.tributary.r2dbc.clickhouse;

/**
 * ClickHouse's backslash escaping, as used by the TabSeparated formats and by quoted string
 * literals (ClickHouse docs, "Formats: TabSeparated" and "Syntax: String literals"; the
 * server's {@code writeAnyEscapedString} / {@code parseComplexEscapeSequence}).
 */
final class TsvEscaping {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private TsvEscaping() {
    }

    /**
     * Unescapes {@code s[from, to)}: {@code \b \f \r \n \t \0 \a \v \e}, {@code \xHH} (one byte,
     * taken as the char U+00HH) and {@code \c} for any other char c ({@code \\ \' \" \`} ...).
     * A trailing lone backslash is kept.
     */
    static String unescape(String s, int from, int to) {
        int backslash = s.indexOf('\\', from);
        if (backslash < 0 || backslash >= to) {
            return s.substring(from, to);
        }
        StringBuilder out = new StringBuilder(to - from);
        out.append(s, from, backslash);
        for (int i = backslash; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= to) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '0' -> out.append('\0');
                case 'a' -> out.append('\u0007');
                case 'v' -> out.append('\u000B');
                case 'e' -> out.append('\u001B');
                case 'x' -> {
                    int hi = i + 2 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
                    int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                    if (lo >= 0) {
                        out.append((char) (hi * 16 + lo));
                        i += 2;
                    } else {
                        out.append('x');
                    }
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /**
     * Appends {@code s} escaped for a TabSeparated field: backslash, tab, newline, CR, \b, \f, \0.
     *
     * @throws IllegalArgumentException for an unpaired surrogate (no UTF-8 form)
     */
    static void appendTsvEscaped(StringBuilder out, CharSequence s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\0' -> out.append("\\0");
                default -> {
                    if (Character.isSurrogate(c)) {
                        appendSurrogatePair(out, s, i++);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    /** Appends the surrogate pair at {@code i}; an unpaired surrogate has no UTF-8 form and is refused. */
    private static void appendSurrogatePair(StringBuilder out, CharSequence s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(i + 1));
        } else {
            throw new IllegalArgumentException("String has an unpaired surrogate at index " + i
                    + " (not encodable as UTF-8)");
        }
    }

    /**
     * Appends {@code s} as a single-quoted ClickHouse string literal: {@code \\ \'} and the
     * control characters ({@code \b \f \r \n \t \0}, others as {@code \xHH}) escaped, every
     * other character as is (the request body is UTF-8, which is what ClickHouse stores).
     */
    static void appendQuoted(StringBuilder out, CharSequence s) {
        out.append('\'');
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\0' -> out.append("\\0");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        appendHexByte(out, c);
                    } else if (Character.isSurrogate(c)) {
                        appendSurrogatePair(out, s, i++);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('\'');
    }

    /** Appends bytes as a single-quoted literal: printable ASCII as is, everything else as {@code \xHH}. */
    static void appendQuotedBytes(StringBuilder out, byte[] bytes) {
        out.append('\'');
        for (byte b : bytes) {
            int v = b & 0xFF;
            if (v == '\\' || v == '\'') {
                out.append('\\').append((char) v);
            } else if (v >= 0x20 && v < 0x7F) {
                out.append((char) v);
            } else {
                appendHexByte(out, v);
            }
        }
        out.append('\'');
    }

    /** Appends bytes escaped for a TabSeparated field: printable ASCII as is, everything else as {@code \xHH}. */
    static void appendTsvBytes(StringBuilder out, byte[] bytes) {
        for (byte b : bytes) {
            int v = b & 0xFF;
            if (v == '\\') {
                out.append("\\\\");
            } else if (v >= 0x20 && v < 0x7F) {
                out.append((char) v);
            } else {
                appendHexByte(out, v);
            }
        }
    }

    private static void appendHexByte(StringBuilder out, int v) {
        out.append("\\x").append(HEX[(v >> 4) & 0xF]).append(HEX[v & 0xF]);
    }
}

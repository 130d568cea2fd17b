package dev.tributary.examples.output;

import org.jline.utils.WCWidth;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * How a value looks in an aligned text table, and how many terminal columns a text takes.
 * <p>
 * Widths are terminal display columns as {@code wcwidth(3)} counts them (JLine's
 * {@link WCWidth}, after Markus Kuhn's implementation of Unicode East Asian Width): a Japanese
 * kana or kanji takes 2 columns, an Arabic letter 1, a combining mark (an Arabic vowel sign) or a
 * zero-width joiner 0. Control characters never reach the table: they are shown as a space.
 */
final class DisplayText {

    private static final HexFormat HEX = HexFormat.of();

    private DisplayText() {
    }

    /**
     * @param value a value of a row, as the driver returns it; may be {@code null}
     * @return its text in a table: empty for SQL {@code NULL}, numbers without exponent,
     *         {@code bytea} as {@code \x...}, control characters as spaces
     */
    static String of(Object value) {
        if (value == null) {
            return "";
        }
        String text;
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            text = Double.isFinite(d) ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : value.toString();
        } else if (value instanceof BigDecimal) {
            text = ((BigDecimal) value).toPlainString();
        } else if (value instanceof byte[]) {
            text = "\\x" + HEX.formatHex((byte[]) value);
        } else if (value instanceof ByteBuffer) {
            ByteBuffer copy = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            text = "\\x" + HEX.formatHex(bytes);
        } else if (value instanceof Map) {
            text = JsonValues.text((Map<?, ?>) value);
        } else if (value instanceof Object[]) {
            text = Arrays.deepToString((Object[]) value);
        } else {
            text = value.toString();
        }
        return withoutControlCharacters(text);
    }

    /**
     * @param text not {@code null}
     * @return the terminal columns the text takes
     */
    static int width(String text) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            width += Math.max(0, WCWidth.wcwidth(codePoint));
            i += Character.charCount(codePoint);
        }
        return width;
    }

    /**
     * Cuts a text to at most {@code maxWidth} terminal columns, ending it with an ellipsis when
     * it was cut; a wide character is never split.
     *
     * @param text     not {@code null}
     * @param maxWidth at least 1
     * @return the text, or its longest prefix that fits with "…"
     */
    static String truncate(String text, int maxWidth) {
        if (width(text) <= maxWidth) {
            return text;
        }
        int budget = maxWidth - 1; // the ellipsis takes one column
        int width = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int w = Math.max(0, WCWidth.wcwidth(codePoint));
            if (width + w > budget) {
                break;
            }
            width += w;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end) + "…";
    }

    private static String withoutControlCharacters(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(text);
                }
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? text : b.toString();
    }
}

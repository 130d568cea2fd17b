package dev.tributary.r2dbc.postgres;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code key=value;key=value} connection string as .NET's {@code DbConnectionStringBuilder}
 * (and so Npgsql and AlloyDB's .NET users) writes it: pairs separated by {@code ;}, white space
 * around keys and values ignored, a value containing {@code ;} quoted with {@code "} or
 * {@code '} (the quote doubled inside), empty pairs skipped. Errors never quote a value: the
 * string may hold a password.
 */
final class KeywordConnectionString {

    private KeywordConnectionString() {
    }

    /**
     * @param text the connection string
     * @return the pairs in order, keys as written
     * @throws IllegalArgumentException naming the pair's position (and its key, never its value)
     *                                  if a pair has no {@code =} or no key, a quote is not closed,
     *                                  or a key is given twice with different values
     */
    static Map<String, String> parse(CharSequence text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        Map<String, String> namesByKey = new LinkedHashMap<>();
        int n = text.length();
        int i = 0;
        int pair = 0;
        while (i < n) {
            pair++;
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != ';') {
                i++;
            }
            String key = text.subSequence(keyStart, i).toString().trim();
            if (i >= n || text.charAt(i) == ';') {
                if (!key.isEmpty()) {
                    // not quoted: without '=' the text may be a value (a password)
                    throw new IllegalArgumentException("Connection string: pair " + pair + " has no '='");
                }
                i++;
                pair--;
                continue;
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("Connection string: pair " + pair + " has no key before '='");
            }
            i++; // '='
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String value;
            if (i < n && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
                char quote = text.charAt(i++);
                StringBuilder quoted = new StringBuilder();
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == quote) {
                        if (i < n && text.charAt(i) == quote) {
                            quoted.append(quote);
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        quoted.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("Connection string: the value of '" + key + "' (pair " + pair
                            + ") opens a quote that is not closed");
                }
                while (i < n && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i < n && text.charAt(i) != ';') {
                    throw new IllegalArgumentException("Connection string: the quoted value of '" + key + "' (pair " + pair
                            + ") is followed by text before ';'");
                }
                value = quoted.toString();
            } else {
                int valueStart = i;
                while (i < n && text.charAt(i) != ';') {
                    i++;
                }
                value = text.subSequence(valueStart, i).toString().trim();
            }
            i++; // ';' or past the end
            String normalized = PostgresSetting.key(key);
            String earlierName = namesByKey.putIfAbsent(normalized, key);
            if (earlierName != null) {
                if (!pairs.get(earlierName).equals(value)) {
                    throw new IllegalArgumentException("Connection string: '" + earlierName + "' and '" + key
                            + "' are the same key with different values; give it once");
                }
                continue;
            }
            pairs.put(key, value);
        }
        return pairs;
    }
}

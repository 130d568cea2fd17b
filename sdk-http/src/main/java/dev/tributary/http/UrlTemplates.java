package dev.tributary.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Path templates, percent-encoding (RFC 3986) and origins (RFC 6454). */
final class UrlTemplates {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlTemplates() {
    }

    /**
     * Replaces each {@code {name}} of {@code template} by the next value, encoded as a path segment.
     *
     * @throws IllegalArgumentException when placeholders and values do not match in number
     */
    static String expand(String template, Object[] values) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        int next = 0;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '{' in path template " + template);
                }
                if (next >= values.length) {
                    throw new IllegalArgumentException("path template " + template + " has more placeholders than the "
                            + values.length + " value(s) given");
                }
                Object value = values[next++];
                if (value == null) {
                    throw new IllegalArgumentException("value " + next + " for " + template.substring(i, end + 1)
                            + " in path template " + template + " is null");
                }
                out.append(encodePathSegment(value.toString()));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        if (next != values.length) {
            throw new IllegalArgumentException("path template " + template + " has " + next + " placeholder(s) but "
                    + values.length + " value(s) were given");
        }
        return out.toString();
    }

    /** Encodes everything but RFC 3986 unreserved characters and the sub-delims allowed in a segment. */
    static String encodePathSegment(String s) {
        return encode(s, "-._~!$&'()*+,;=:@");
    }

    /** Encodes everything but unreserved characters (so {@code &}, {@code =}, {@code +} are encoded). */
    static String encodeQueryComponent(String s) {
        return encode(s, "-._~");
    }

    private static String encode(String s, String allowed) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || (c < 0x80 && allowed.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Loopback by name or literal, without a DNS lookup (which could block). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}

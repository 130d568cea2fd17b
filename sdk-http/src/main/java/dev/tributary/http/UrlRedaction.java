package dev.tributary.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** Removes secrets from a URL before it goes into a message: user information, sensitive query values. */
final class UrlRedaction {

    static final String REDACTED = "REDACTED";

    private UrlRedaction() {
    }

    /**
     * @param url       any URL text (need not parse)
     * @param sensitive lower-case names of the query parameters whose values are secret
     * @return the URL without user information and with those values replaced by {@code REDACTED}
     */
    static String redact(String url, Set<String> sensitive) {
        String rest = url;
        String fragment = "";
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            fragment = rest.substring(hash);
            rest = rest.substring(0, hash);
        }
        String query = null;
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        // user information: scheme://user:password@host
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            int authorityEnd = rest.indexOf('/', scheme + 3);
            String authority = authorityEnd < 0 ? rest.substring(scheme + 3) : rest.substring(scheme + 3, authorityEnd);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                rest = rest.substring(0, scheme + 3) + REDACTED + "@" + authority.substring(at + 1)
                        + (authorityEnd < 0 ? "" : rest.substring(authorityEnd));
            }
        }
        if (query == null) {
            return rest + (fragment.isEmpty() ? "" : "#" + REDACTED);
        }
        StringBuilder out = new StringBuilder(rest).append('?');
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq >= 0 && sensitive.contains(decode(name).toLowerCase(Locale.ROOT))) {
                out.append(name).append('=').append(REDACTED);
            } else {
                out.append(pair);
            }
        }
        // a fragment never reaches the server; drop its content rather than judge it
        return out + (fragment.isEmpty() ? "" : "#" + REDACTED);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}

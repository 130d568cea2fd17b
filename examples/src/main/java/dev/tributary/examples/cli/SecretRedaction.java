package dev.tributary.examples.cli;

import io.r2dbc.spi.ConnectionFactoryOptions;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Removes the secrets of {@code TRIBUTARY_URL} (the URL itself and its password, decoded or as
 * written) from a text before it is printed.
 */
final class SecretRedaction {

    private static final String REDACTED = "REDACTED";

    private final String url;
    private final Set<String> passwords = new LinkedHashSet<>();

    private SecretRedaction(String url) {
        this.url = url == null || url.isBlank() ? null : url;
        if (this.url == null) {
            return;
        }
        String rawPassword = rawPassword(url);
        if (rawPassword != null) {
            this.passwords.add(rawPassword);
        }
        try {
            Object password = ConnectionFactoryOptions.parse(url).getValue(ConnectionFactoryOptions.PASSWORD);
            if (password != null && !password.toString().isEmpty()) {
                this.passwords.add(password.toString());
            }
        } catch (RuntimeException unparseable) {
            // the raw password and the URL are still redacted
        }
    }

    static SecretRedaction of(Map<String, String> environment) {
        return new SecretRedaction(environment.get(TargetDatabase.URL_VARIABLE));
    }

    String apply(String text) {
        if (this.url == null || text == null) {
            return text;
        }
        String result = text.replace(this.url, "<" + TargetDatabase.URL_VARIABLE + ">");
        for (String password : this.passwords) {
            result = result.replace(password, REDACTED);
        }
        return result;
    }

    /** The password as it is written in {@code scheme://user:password@host/...}, or {@code null}. */
    private static String rawPassword(String url) {
        int authority = url.indexOf("://");
        if (authority < 0) {
            return null;
        }
        int start = authority + 3;
        int end = url.length();
        for (int i = start; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at < start) {
            return null;
        }
        int colon = url.indexOf(':', start);
        if (colon < 0 || colon > at || colon + 1 == at) {
            return null;
        }
        return url.substring(colon + 1, at);
    }

    @Override
    public String toString() {
        return "SecretRedaction{" + (this.url == null ? "no URL" : this.passwords.size() + " password form(s)") + '}';
    }
}

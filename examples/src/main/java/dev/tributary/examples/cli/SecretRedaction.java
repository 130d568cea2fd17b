package dev.tributary.examples.cli;

import dev.tributary.http.platform.PlatformClient;
import dev.tributary.r2dbc.clickhouse.ByteHouseOptions;
import io.r2dbc.spi.ConnectionFactoryOptions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * Removes secrets from a text before it is printed: {@code TRIBUTARY_URL} and
 * {@code TRIBUTARY_CLICKHOUSE_URL} (each URL itself and its password, decoded or as written, also
 * ByteHouse's {@code password=} and {@code apiKey=} query parameters), the platform API keys in use ({@code TRIBUTARY_API_KEY}
 * and {@code --api-key}), and anything shaped like a platform API key ({@code v2_} and at least
 * 20 letters and digits), which covers a key given to the wrong option. Thread-safe.
 */
final class SecretRedaction {

    private static final String REDACTED = "REDACTED";

    /** The platform's keys: {@code v2_} followed by word characters (see the API contract); 20 or more so table names survive. */
    private static final Pattern API_KEY_SHAPE = Pattern.compile("\\bv2_[A-Za-z0-9]{20,}\\b");

    /** URL to the name of the variable that holds it. */
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final Set<String> secrets = new CopyOnWriteArraySet<>();

    private SecretRedaction(Map<String, String> environment, String... urlVariables) {
        for (String variable : urlVariables) {
            String url = environment.get(variable);
            if (url != null && !url.isBlank()) {
                this.urls.put(url, variable);
                addPasswordOf(url);
            }
        }
    }

    private void addPasswordOf(String url) {
        addSecret(rawPassword(url));
        // ByteHouse's forms: password=... and apiKey=... in the query string, as written
        addSecret(rawQueryValue(url, "password"));
        addSecret(rawQueryValue(url, ByteHouseOptions.API_KEY.name()));
        try {
            ConnectionFactoryOptions options = TargetDatabase.options(url);
            addSecret(valueOrNull(options.getValue(ConnectionFactoryOptions.PASSWORD)));
            addSecret(valueOrNull(options.getValue(ByteHouseOptions.API_KEY)));
        } catch (RuntimeException unparseable) {
            // the raw password and the URL are still redacted
        }
    }

    private static String valueOrNull(Object value) {
        return value == null ? null : value.toString();
    }

    /** The value of a query parameter as written ({@code ?name=value&...}), or {@code null}. */
    private static String rawQueryValue(String url, String name) {
        int query = url.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String parameter : url.substring(query + 1).split("[&#]")) {
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).equals(name)) {
                return parameter.substring(eq + 1);
            }
        }
        return null;
    }

    static SecretRedaction of(Map<String, String> environment) {
        SecretRedaction redaction = new SecretRedaction(environment, TargetDatabase.URL_VARIABLE, DemoCommand.CLICKHOUSE_URL_VARIABLE);
        redaction.addSecret(environment.get(PlatformClient.API_KEY_VARIABLE));
        return redaction;
    }

    /**
     * @param secret a secret to take out of every text from now on (an API key); {@code null} or
     *               blank is ignored
     */
    void addSecret(String secret) {
        if (secret != null && !secret.isBlank()) {
            this.secrets.add(secret);
        }
    }

    String apply(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (Map.Entry<String, String> url : this.urls.entrySet()) {
            result = result.replace(url.getKey(), "<" + url.getValue() + ">");
        }
        for (String secret : this.secrets) {
            result = result.replace(secret, REDACTED);
        }
        return API_KEY_SHAPE.matcher(result).replaceAll(REDACTED);
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
        return "SecretRedaction{" + this.urls.size() + " URL(s), " + this.secrets.size() + " secret(s)}";
    }
}

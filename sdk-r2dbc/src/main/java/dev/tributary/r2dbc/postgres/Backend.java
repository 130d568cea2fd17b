package dev.tributary.r2dbc.postgres;

import io.r2dbc.postgresql.client.SSLMode;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A PostgreSQL-protocol service reached through r2dbc-postgresql, with its own conventions: the
 * names its users write, its defaults and what it requires. Applied to the settings read from the
 * options, before r2dbc-postgresql maps them.
 */
enum Backend {

    /**
     * Google AlloyDB for PostgreSQL (direct connections to an instance IP). libpq's and Npgsql's
     * default {@code sslmode=prefer}: TLS when the server offers it (AlloyDB instances require it).
     */
    ALLOYDB(AlloyDbOptions.DRIVER) {
        @Override
        void complete(Map<PostgresSetting, Object> settings) {
            require(settings, PostgresSetting.HOST, "the host is missing: give it in the URL"
                    + " (r2dbc:alloydb://user:password@host:5432/database) or as option 'host' or 'Server'");
            singleHost(settings);
            settings.putIfAbsent(PostgresSetting.PORT, AlloyDbOptions.DEFAULT_PORT);
            require(settings, PostgresSetting.USER, "the user is missing: give it in the URL"
                    + " (r2dbc:alloydb://user:password@host/database) or as option 'user' or 'User'");
            settings.putIfAbsent(PostgresSetting.SSL_MODE, SSLMode.PREFER);
        }
    },

    /**
     * The bit.io serverless platform ({@code ../shared/fixtures/bitio/API.md}): the PostgreSQL
     * endpoint {@code db.bit.io:5432} with {@code sslmode=require}, the API key as the password and
     * database names {@code <username>/<db_name>}.
     */
    BITIO(BitioOptions.DRIVER) {
        @Override
        Set<String> keys(PostgresSetting setting) {
            if (setting == PostgresSetting.PASSWORD) {
                Set<String> keys = new HashSet<>(setting.keys());
                keys.add("apikey");
                return keys;
            }
            return setting.keys();
        }

        @Override
        void complete(Map<PostgresSetting, Object> settings) {
            settings.putIfAbsent(PostgresSetting.HOST, BitioOptions.DEFAULT_HOST);
            singleHost(settings);
            settings.putIfAbsent(PostgresSetting.PORT, BitioOptions.DEFAULT_PORT);
            Object database = require(settings, PostgresSetting.DATABASE, "the database is missing: give its full name"
                    + " '<username>/<db_name>' as the URL path (r2dbc:bitio://alice:<api key>@db.bit.io/alice/demo)"
                    + " or as option 'database'");
            String name = database.toString();
            if (!isFullDatabaseName(name)) {
                throw new IllegalArgumentException(this.driver + ": the database must be named '<username>/<db_name>'"
                        + " (for example 'alice/demo'), was '" + name + "'");
            }
            settings.putIfAbsent(PostgresSetting.USER, name.substring(0, name.indexOf('/')));
            require(settings, PostgresSetting.PASSWORD, "the API key is missing: give it as the password"
                    + " (r2dbc:bitio://alice:<api key>@db.bit.io/alice/demo) or with BitioOptions.builder().apiKey(...)");
            settings.putIfAbsent(PostgresSetting.SSL_MODE, SSLMode.REQUIRE);
        }
    };

    private static final Pattern FULL_DATABASE_NAME = Pattern.compile("[^/\\s]+/[^/\\s]+");

    /**
     * @return whether {@code name} is a bit.io full database name {@code <username>/<db_name>}
     */
    static boolean isFullDatabaseName(String name) {
        return FULL_DATABASE_NAME.matcher(name).matches();
    }

    /** The R2DBC driver name ({@code r2dbc:<driver>:}). */
    final String driver;

    Backend(String driver) {
        this.driver = driver;
    }

    /**
     * @return the normalized option names {@code setting} is read from for this backend
     */
    Set<String> keys(PostgresSetting setting) {
        return setting.keys();
    }

    /**
     * Checks the settings and fills in this backend's defaults.
     *
     * @param settings the settings read from the options (mutable)
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    abstract void complete(Map<PostgresSetting, Object> settings);

    Object require(Map<PostgresSetting, Object> settings, PostgresSetting setting, String message) {
        Object value = settings.get(setting);
        if (value == null) {
            throw new IllegalArgumentException(this.driver + ": " + message);
        }
        return value;
    }

    void singleHost(Map<PostgresSetting, Object> settings) {
        String host = settings.get(PostgresSetting.HOST).toString();
        if (host.indexOf(',') >= 0) {
            throw new IllegalArgumentException(this.driver + ": one host expected, was '" + host
                    + "' (several hosts are an r2dbc:postgresql:failover: feature)");
        }
    }
}

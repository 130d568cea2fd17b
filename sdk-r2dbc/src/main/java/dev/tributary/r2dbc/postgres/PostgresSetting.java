package dev.tributary.r2dbc.postgres;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.reactivestreams.Publisher;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One setting of a PostgreSQL connection: the r2dbc-postgresql option it ends up in, the names it
 * goes by (R2DBC, libpq, pgjdbc, Npgsql/AlloyDB connection strings), and how a value is read.
 * Names are compared by {@link #key(String)}: case, spaces, {@code _} and {@code -} do not matter,
 * so {@code sslmode}, {@code sslMode}, {@code SSL Mode} and {@code ssl_mode} are one name.
 */
enum PostgresSetting {

    HOST(ConnectionFactoryOptions.HOST, Kind.TEXT, "host", "server"),
    PORT(ConnectionFactoryOptions.PORT, Kind.PORT, "port"),
    DATABASE(ConnectionFactoryOptions.DATABASE, Kind.TEXT, "database", "db", "dbname"),
    USER(ConnectionFactoryOptions.USER, Kind.USER, "user", "username", "userid", "uid"),
    PASSWORD(ConnectionFactoryOptions.PASSWORD, Kind.SECRET, "password", "pwd", "psw"),
    SSL_MODE(PostgresqlConnectionFactoryProvider.SSL_MODE, Kind.SSL_MODE, "sslmode"),
    SSL_ROOT_CERT(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT, Kind.FILE, "sslrootcert", "rootcertificate"),
    SSL_CERT(PostgresqlConnectionFactoryProvider.SSL_CERT, Kind.FILE, "sslcert", "sslcertificate"),
    SSL_KEY(PostgresqlConnectionFactoryProvider.SSL_KEY, Kind.FILE, "sslkey"),
    /**
     * r2dbc-postgresql's own {@code sslPassword} option is not sensitive (its toString would show
     * the value), so the key password travels in a sensitive option of ours and is handed to
     * {@code PostgresqlConnectionConfiguration.Builder#sslPassword} directly.
     */
    SSL_KEY_PASSWORD(Option.sensitiveValueOf("tributary.sslKeyPassword"), Kind.SECRET, "sslpassword", "sslkeypassword",
            "tributary.sslkeypassword"),
    APPLICATION_NAME(PostgresqlConnectionFactoryProvider.APPLICATION_NAME, Kind.TEXT, "applicationname");

    /** Where a value of this setting goes. */
    final Option<?> option;
    private final Kind kind;
    private final Set<String> keys;

    PostgresSetting(Option<?> option, Kind kind, String... keys) {
        this.option = option;
        this.kind = kind;
        this.keys = Set.of(keys);
    }

    /**
     * @param name an option name as written
     * @return the name compared case-insensitively, without spaces, {@code _} and {@code -}
     */
    static String key(String name) {
        StringBuilder key = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != ' ' && c != '_' && c != '-' && c != '\t') {
                key.append(c);
            }
        }
        return key.toString().toLowerCase(Locale.ROOT);
    }

    /** @return the normalized names this setting goes by (without backend-specific ones) */
    Set<String> keys() {
        return this.keys;
    }

    /** @return whether values must never be printed */
    boolean isSecret() {
        return this.kind == Kind.SECRET;
    }

    /**
     * Reads a value given under {@code optionName}.
     *
     * @return the value as r2dbc-postgresql expects it, or {@code null} for a blank text
     * @throws IllegalArgumentException naming the option (never a secret value) if it is not readable
     */
    Object read(String optionName, Object value) {
        return this.kind.read(this, optionName, value);
    }

    /** @return whether two read values mean the same (secrets: same characters or same supplier) */
    boolean same(Object a, Object b) {
        if (a instanceof CharSequence && b instanceof CharSequence) {
            return a.toString().contentEquals((CharSequence) b);
        }
        return a.equals(b);
    }

    /** @return the value for messages: secrets are never shown */
    String show(Object value) {
        return isSecret() ? "REDACTED" : "'" + value + "'";
    }

    private enum Kind {
        TEXT {
            @Override
            Object read(PostgresSetting setting, String name, Object value) {
                if (!(value instanceof CharSequence)) {
                    throw wrongType(name, value, "a string");
                }
                String text = value.toString().trim();
                return text.isEmpty() ? null : text;
            }
        },
        USER {
            @Override
            Object read(PostgresSetting setting, String name, Object value) {
                if (value instanceof Supplier || value instanceof Publisher) {
                    return value; // r2dbc-postgresql resolves it on every connect
                }
                return TEXT.read(setting, name, value);
            }
        },
        SECRET {
            @Override
            Object read(PostgresSetting setting, String name, Object value) {
                if (value instanceof CharSequence || value instanceof Supplier || value instanceof Publisher) {
                    return value;
                }
                throw new IllegalArgumentException("Option '" + name + "' must be a CharSequence, a Supplier or a Publisher"
                        + " of one; was a " + value.getClass().getName());
            }
        },
        PORT {
            @Override
            Object read(PostgresSetting setting, String name, Object value) {
                int port;
                if (value instanceof Number) {
                    port = ((Number) value).intValue();
                } else if (value instanceof CharSequence) {
                    try {
                        port = Integer.parseInt(value.toString().trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("Option '" + name + "' must be a TCP port 1..65535, was '" + value + "'");
                    }
                } else {
                    throw wrongType(name, value, "a port number");
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("Option '" + name + "' must be a TCP port 1..65535, was " + port);
                }
                return port;
            }
        },
        SSL_MODE {
            @Override
            Object read(PostgresSetting setting, String name, Object value) {
                if (value instanceof SSLMode) {
                    return value;
                }
                if (!(value instanceof CharSequence)) {
                    throw wrongType(name, value, "an SSLMode or one of disable, allow, prefer, require, verify-ca, verify-full");
                }
                String text = value.toString().trim();
                try {
                    return SSLMode.fromValue(text.replace('_', '-'));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Option '" + name + "' must be one of disable, allow, prefer, require,"
                            + " verify-ca, verify-full (libpq's sslmode values); was '" + text + "'");
                }
            }
        },
        FILE {
            @Override
            Object read(PostgresSetting setting, String name, Object value) {
                if (value instanceof Path) {
                    return value.toString();
                }
                if (value instanceof File) {
                    return ((File) value).getPath();
                }
                return TEXT.read(setting, name, value);
            }
        };

        abstract Object read(PostgresSetting setting, String name, Object value);

        private static IllegalArgumentException wrongType(String name, Object value, String expected) {
            return new IllegalArgumentException("Option '" + name + "' must be " + expected + "; was a " + value.getClass().getName());
        }
    }
}

package dev.tributary.r2dbc.postgres;

import io.netty.handler.ssl.SslContextBuilder;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The one path from {@link ConnectionFactoryOptions} (parsed from a URL, built in code with
 * {@link AlloyDbOptions}/{@link BitioOptions}, or read from a connection string) to an
 * r2dbc-postgresql configuration:
 * <ol>
 *   <li>{@link #normalize}: reject Kerberos/GSSAPI, read every spelling of each
 *       {@link PostgresSetting} (conflicting values are an error naming both options), fold
 *       {@code ssl}/{@code r2dbcs:} into the SSL mode, apply the {@link Backend}'s defaults and
 *       checks, and write the settings under r2dbc-postgresql's own option names; options this
 *       mapping does not know ({@code fetchSize}, {@code connectTimeout}, ...) pass through;</li>
 *   <li>{@link #configuration}: r2dbc-postgresql's own mapping
 *       ({@link PostgresqlConnectionFactoryProvider#builder(ConnectionFactoryOptions)}) plus what
 *       cannot travel safely as an option: the TLS key password, and for {@code verify-full} a
 *       host name check against the host as configured.</li>
 * </ol>
 */
final class PostgresOptionMapping {

    private PostgresOptionMapping() {
    }

    /**
     * @param options any options naming the backend's driver (or none)
     * @param backend the conventions to apply
     * @return options with the backend's driver, every {@link PostgresSetting} under
     * r2dbc-postgresql's option name (passwords sensitive) and the other options unchanged
     * @throws IllegalArgumentException if Kerberos/GSSAPI is asked for, two options give
     *                                  different values for one setting, a value is malformed,
     *                                  or something the backend needs is missing
     */
    static ConnectionFactoryOptions normalize(ConnectionFactoryOptions options, Backend backend) {
        Objects.requireNonNull(options, "options");
        List<Option<?>> given = optionsOf(options);
        GssapiRequest.rejectIfRequested(given, options::getValue);
        rejectUnsupported(options, backend);

        Map<PostgresSetting, Object> settings = new EnumMap<>(PostgresSetting.class);
        Map<PostgresSetting, Option<?>> source = new EnumMap<>(PostgresSetting.class);
        Set<Option<?>> consumed = new HashSet<>();
        for (PostgresSetting setting : PostgresSetting.values()) {
            Set<String> keys = backend.keys(setting);
            for (Option<?> option : given) {
                if (!keys.contains(PostgresSetting.key(option.name()))) {
                    continue;
                }
                consumed.add(option);
                Object value = setting.read(option.name(), options.getValue(option));
                if (value == null) {
                    continue;
                }
                Option<?> earlier = source.putIfAbsent(setting, option);
                if (earlier == null) {
                    settings.put(setting, value);
                } else if (!setting.same(settings.get(setting), value)) {
                    throw new IllegalArgumentException(backend.driver + ": conflicting values for " + describe(setting)
                            + ": option '" + earlier.name() + "' is " + setting.show(settings.get(setting))
                            + " but option '" + option.name() + "' is " + setting.show(value) + "; give it once");
                }
            }
        }
        if (options.hasOption(ConnectionFactoryOptions.SSL)) {
            // r2dbcs: or ssl=true means verify-full (as in r2dbc-postgresql and pgjdbc); an explicit sslmode wins
            consumed.add(ConnectionFactoryOptions.SSL);
            boolean ssl = Boolean.parseBoolean(String.valueOf(options.getValue(ConnectionFactoryOptions.SSL)).trim());
            settings.putIfAbsent(PostgresSetting.SSL_MODE, ssl ? SSLMode.VERIFY_FULL : SSLMode.DISABLE);
        }
        backend.complete(settings);

        ConnectionFactoryOptions.Builder normalized = ConnectionFactoryOptions.builder()
                .from(options, option -> !consumed.contains(option))
                .option(ConnectionFactoryOptions.DRIVER, backend.driver);
        settings.forEach((setting, value) -> put(normalized, setting.option, value));
        return normalized.build();
    }

    /**
     * @param options any options naming the backend's driver
     * @param backend the conventions to apply
     * @return an r2dbc-postgresql configuration builder (nothing connects yet)
     * @throws IllegalArgumentException as {@link #normalize} does, or as r2dbc-postgresql does for
     *                                  its own options (for example a missing {@code sslRootCert} file)
     */
    static PostgresqlConnectionConfiguration.Builder configuration(ConnectionFactoryOptions options, Backend backend) {
        ConnectionFactoryOptions normalized = normalize(options, backend);
        PostgresqlConnectionConfiguration.Builder builder = PostgresqlConnectionFactoryProvider.builder(normalized);
        Object keyPassword = normalized.getValue(PostgresSetting.SSL_KEY_PASSWORD.option);
        if (keyPassword != null) {
            if (!(keyPassword instanceof CharSequence)) {
                throw new IllegalArgumentException(backend.driver + ": the TLS key password must be a CharSequence");
            }
            builder.sslPassword((CharSequence) keyPassword);
        }
        // Netty 4.2 client contexts check the host name in the handshake by default (against the
        // SNI name, so never for an IP address): that would make verify-ca check names and fail
        // verify-full for IP addresses. libpq's semantics: verify-ca checks the chain only, and
        // verify-full checks the configured host with the verifier below.
        Function<SslContextBuilder, SslContextBuilder> userCustomizer = sslContextBuilderCustomizer(normalized);
        builder.sslContextBuilderCustomizer(ssl -> userCustomizer.apply(ssl.endpointIdentificationAlgorithm(null)));
        if (normalized.getValue(PostgresSetting.SSL_MODE.option) == SSLMode.VERIFY_FULL
                && !normalized.hasOption(PostgresqlConnectionFactoryProvider.SSL_HOSTNAME_VERIFIER)) {
            builder.sslHostnameVerifier(new ConfiguredHostnameVerifier((String) normalized.getValue(ConnectionFactoryOptions.HOST)));
        }
        return builder;
    }

    @SuppressWarnings("unchecked")
    private static Function<SslContextBuilder, SslContextBuilder> sslContextBuilderCustomizer(ConnectionFactoryOptions options) {
        Object customizer = options.getValue(PostgresqlConnectionFactoryProvider.SSL_CONTEXT_BUILDER_CUSTOMIZER);
        return customizer != null ? (Function<SslContextBuilder, SslContextBuilder>) customizer : Function.identity();
    }

    /**
     * @return the options present, sorted by name (r2dbc-spi has no accessor for them; the
     * filter of {@code Builder.from} sees each one)
     */
    static List<Option<?>> optionsOf(ConnectionFactoryOptions options) {
        List<Option<?>> given = new ArrayList<>();
        ConnectionFactoryOptions.builder().from(options, option -> {
            given.add(option);
            return false;
        });
        given.sort(Comparator.comparing(Option::name));
        return given;
    }

    private static void rejectUnsupported(ConnectionFactoryOptions options, Backend backend) {
        if (options.hasOption(ConnectionFactoryOptions.PROTOCOL)) {
            throw new IllegalArgumentException(backend.driver + ": protocol '" + options.getValue(ConnectionFactoryOptions.PROTOCOL)
                    + "' is not supported (r2dbc:" + backend.driver + ":// takes no protocol; multi-host failover is an"
                    + " r2dbc:postgresql:failover: feature)");
        }
        if (options.hasOption(PostgresqlConnectionFactoryProvider.SOCKET)) {
            throw new IllegalArgumentException(backend.driver + ": option 'socket' is not supported (TCP only; use"
                    + " r2dbc:postgresql: for a Unix domain socket)");
        }
    }

    private static String describe(PostgresSetting setting) {
        return "the " + setting.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    @SuppressWarnings("unchecked")
    private static void put(ConnectionFactoryOptions.Builder builder, Option<?> option, Object value) {
        builder.option((Option<Object>) option, value);
    }
}

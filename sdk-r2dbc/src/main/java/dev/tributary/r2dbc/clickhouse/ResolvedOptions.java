package dev.tributary.r2dbc.clickhouse;

import io.netty.handler.ssl.SslContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the {@code clickhouse} and {@code bytehouse} drivers read from {@code ConnectionFactoryOptions}
 * ({@link ClickHouseOptionMapping#resolve}): every option checked, ByteHouse's conventions applied
 * (region to host, API key to user {@code bytehouse}, {@code account::user}, TLS on), the
 * settings separated from the options. {@code null} means "the configuration's default".
 * Immutable; {@link #toString()} never shows the password.
 */
final class ResolvedOptions {

    final String driver;
    final String host;
    final Integer port;
    final boolean ssl;
    final Path trustedCertificates;
    final Boolean hostnameVerification;
    final SslContext sslContext;
    final String database;
    final String username;
    final CharSequence password;
    final SortedMap<String, String> settings;
    final Boolean compression;
    final Boolean session;
    final Duration connectTimeout;
    final Duration responseTimeout;
    final String applicationName;
    final ClickHouseConnectionConfiguration.Authentication authentication;
    final ClickHouseConnectionConfiguration.ServerSideParameters serverSideParameters;

    ResolvedOptions(String driver, String host, Integer port, boolean ssl, Path trustedCertificates, Boolean hostnameVerification,
                    SslContext sslContext, String database, String username, CharSequence password, Map<String, String> settings,
                    Boolean compression, Boolean session, Duration connectTimeout, Duration responseTimeout, String applicationName,
                    ClickHouseConnectionConfiguration.Authentication authentication,
                    ClickHouseConnectionConfiguration.ServerSideParameters serverSideParameters) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.ssl = ssl;
        this.trustedCertificates = trustedCertificates;
        this.hostnameVerification = hostnameVerification;
        this.sslContext = sslContext;
        this.database = database;
        this.username = username;
        this.password = password;
        this.settings = Collections.unmodifiableSortedMap(new TreeMap<>(settings));
        this.compression = compression;
        this.session = session;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.applicationName = applicationName;
        this.authentication = authentication;
        this.serverSideParameters = serverSideParameters;
    }

    /**
     * @return the configuration of {@link ClickHouseConnectionFactory} these options describe
     */
    ClickHouseConnectionConfiguration configuration() {
        ClickHouseConnectionConfiguration.Builder builder = ClickHouseConnectionConfiguration.builder()
                .host(this.host)
                .ssl(this.ssl)
                .trustedCertificates(this.trustedCertificates)
                .sslContext(this.sslContext)
                .password(this.password);
        if (this.port != null) {
            builder.port(this.port);
        }
        if (this.hostnameVerification != null) {
            builder.hostnameVerification(this.hostnameVerification);
        }
        if (this.database != null) {
            builder.database(this.database);
        }
        if (this.username != null) {
            builder.username(this.username);
        }
        this.settings.forEach(builder::setting);
        if (this.compression != null) {
            builder.compression(this.compression);
        }
        if (this.session != null) {
            builder.session(this.session);
        }
        if (this.connectTimeout != null) {
            builder.connectTimeout(this.connectTimeout);
        }
        builder.responseTimeout(this.responseTimeout);
        if (this.applicationName != null) {
            builder.applicationName(this.applicationName);
        }
        if (this.authentication != null) {
            builder.authentication(this.authentication);
        }
        if (this.serverSideParameters != null) {
            builder.serverSideParameters(this.serverSideParameters);
        }
        return builder.build();
    }

    /**
     * @return the port that will be used: the given one, or 8443 with TLS and 8123 without
     */
    int effectivePort() {
        if (this.port != null) {
            return this.port;
        }
        return this.ssl ? ClickHouseOptions.DEFAULT_TLS_PORT : ClickHouseOptions.DEFAULT_PORT;
    }

    @Override
    public String toString() {
        return "ResolvedOptions{driver=" + this.driver + ", host=" + this.host + ", port=" + this.port + ", ssl=" + this.ssl
                + ", trustedCertificates=" + this.trustedCertificates + ", hostnameVerification=" + this.hostnameVerification
                + ", sslContext=" + (this.sslContext == null ? "none" : "given") + ", database=" + this.database
                + ", username=" + this.username + ", password=" + (this.password == null ? "none" : "REDACTED")
                + ", settings=" + this.settings + ", compression=" + this.compression + ", session=" + this.session
                + ", connectTimeout=" + this.connectTimeout + ", responseTimeout=" + this.responseTimeout
                + ", applicationName=" + this.applicationName + ", authentication=" + this.authentication
                + ", serverSideParameters=" + this.serverSideParameters + '}';
    }
}

package dev.tributary.r2dbc.postgres;

import io.r2dbc.postgresql.client.DefaultHostnameVerifier;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;

/**
 * {@code sslmode=verify-full} as libpq does it: the server certificate must name the host as it
 * was configured. r2dbc-postgresql 1.1 hands its verifier the connected socket's
 * {@code InetSocketAddress.getHostName()}: the configured name while the resolver keeps it on the
 * address, otherwise the result of a reverse DNS lookup (done on the event loop). This verifier
 * ignores that name and checks the configured one, with r2dbc-postgresql's own
 * {@link DefaultHostnameVerifier} (subjectAltName DNS and IP entries, wildcards, then the common
 * name).
 */
final class ConfiguredHostnameVerifier implements HostnameVerifier {

    private final String host;

    ConfiguredHostnameVerifier(String host) {
        this.host = host;
    }

    @Override
    public boolean verify(String socketHostName, SSLSession session) {
        return DefaultHostnameVerifier.INSTANCE.verify(this.host, session);
    }

    @Override
    public String toString() {
        return "ConfiguredHostnameVerifier{host='" + this.host + "'}";
    }
}

package dev.tributary.http.platform;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * r2dbc-postgresql 1.1, under {@link PlatformClient#sql(String)}, builds a fresh {@code SslContext}
 * on the event loop for every connection that may use TLS, and {@code SSLContext.init} seeds its
 * random from {@code /dev/urandom} (a device that never blocks on Linux once seeded); BlockHound
 * reports the read. sdk-r2dbc's and sdk-emulators' tests allow the same call site. Everything else
 * stays checked.
 */
public final class DriverBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.handler.ssl.SslContextBuilder", "build");
    }
}

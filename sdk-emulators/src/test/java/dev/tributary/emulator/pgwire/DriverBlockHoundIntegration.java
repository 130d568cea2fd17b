package dev.tributary.emulator.pgwire;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The one call site inside r2dbc-postgresql 1.1 that BlockHound reports on the event loop in these
 * tests: the driver builds a fresh {@code SslContext} for every connection that may use TLS, and
 * {@code SSLContext.init} seeds its random from {@code /dev/urandom} (a device that never blocks on
 * Linux once seeded). sdk-r2dbc's tests allow the same. The gateway's own threads stay checked
 * everywhere: its SCRAM nonces come from a generator seeded before the loops start.
 */
public final class DriverBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.handler.ssl.SslContextBuilder", "build");
    }
}

package dev.tributary.r2dbc.postgres;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Two call sites inside r2dbc-postgresql 1.1 that BlockHound reports on the event loop, both a
 * read of {@code /dev/urandom} through the JDK's {@code NativePRNG} (a device that never blocks
 * on Linux once seeded): the driver builds a fresh {@code SslContext} for every connection that
 * may use TLS ({@code SSLContext.init} seeds its random), and the SCRAM client draws its nonce
 * from {@code SecureRandom}. Everything else stays checked.
 */
public final class DriverBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.handler.ssl.SslContextBuilder", "build");
        builder.allowBlockingCallsInside("com.ongres.scram.common.ScramFunctions", "nonce");
    }
}

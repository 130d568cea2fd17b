package dev.tributary.r2dbc.postgres;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Call sites that BlockHound reports on non-blocking threads although they do not block on I/O.
 * <ul>
 *   <li>Two inside r2dbc-postgresql 1.1, both a read of {@code /dev/urandom} through the JDK's
 *       {@code NativePRNG} (a device that never blocks on Linux once seeded): the driver builds a
 *       fresh {@code SslContext} for every connection that may use TLS ({@code SSLContext.init}
 *       seeds its random), and the SCRAM client draws its nonce from {@code SecureRandom}.</li>
 *   <li>Netty 4.2's default allocator ({@code AdaptivePoolingAllocator}) takes a {@code StampedLock}
 *       when it grows or frees its shared magazines; under contention (many connections writing
 *       on a busy machine) the lock parks for a moment, and BlockHound's error then breaks the
 *       connection that was writing. It guards a few field updates, not I/O (Netty's own BlockHound
 *       integration does not list it; line/armeria#6344 adds the same rule). sdk-http allows it the same way.</li>
 * </ul>
 * Everything else stays checked.
 */
public final class DriverBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.handler.ssl.SslContextBuilder", "build");
        builder.allowBlockingCallsInside("com.ongres.scram.common.ScramFunctions", "nonce");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    }
}

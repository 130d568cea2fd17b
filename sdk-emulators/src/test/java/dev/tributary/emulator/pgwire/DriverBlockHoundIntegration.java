package dev.tributary.emulator.pgwire;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Two call sites that BlockHound reports on event loops in these tests although they do not block:
 * <ul>
 *   <li>r2dbc-postgresql 1.1 builds a fresh {@code SslContext} for every connection that may use
 *       TLS, and {@code SSLContext.init} seeds its random from {@code /dev/urandom} (a device that
 *       never blocks on Linux once seeded); sdk-r2dbc's tests allow the same;</li>
 *   <li>Netty 4.2's adaptive allocator takes a {@code StampedLock} for a moment when threads
 *       contend and it adds magazines (netty/netty's BlockHound rules do not cover it yet; Armeria
 *       allows it for the same reason, line/armeria#6344). With the gateway's loop, the driver's
 *       loops and the export's threads allocating at once, these tests contend.</li>
 * </ul>
 * The gateway's own code stays checked everywhere: its SCRAM nonces come from a generator seeded
 * before the loops start.
 */
public final class DriverBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.handler.ssl.SslContextBuilder", "build");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}

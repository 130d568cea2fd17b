package dev.tributary.http.platform;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty 4.2's adaptive allocator takes a {@code StampedLock} for a moment when event-loop threads
 * contend while it adds magazines; BlockHound reports the park although nothing waits on I/O
 * (netty/netty's BlockHound rules do not cover it yet; Armeria allows it for the same reason,
 * line/armeria#6344). The platform tests contend: the emulator's server loops receive uploads
 * while the client's loops stream. sdk-emulators' gateway tests allow the same. Everything else
 * stays checked.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}

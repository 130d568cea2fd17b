package dev.tributary.http;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty 4.2's default allocator ({@code AdaptivePoolingAllocator}) takes a {@code StampedLock} when
 * it grows its shared magazines; under contention (a client and a server in one JVM moving
 * megabytes) BlockHound reports the park on an event loop. It guards a few field updates, not I/O:
 * a known false positive (Armeria allows it too, line/armeria#6344). Everything else stays checked.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    }
}

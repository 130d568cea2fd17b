package dev.tributary.testkit.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The call sites in our dependencies that BlockHound reports on event loops although they do not
 * block I/O, allowed once for every test JVM that has the test kit on its class path (registered
 * through {@code META-INF/services}); everything else, and all of Tributary's code, stays checked.
 * <ul>
 *   <li>r2dbc-postgresql 1.1 builds a fresh {@code SslContext} for every connection that may use
 *       TLS ({@code SslContextBuilder.build}, which loads the JDK's trust store and seeds its
 *       random from {@code /dev/urandom}), on the connection's event loop;</li>
 *   <li>its SCRAM client draws its nonce from {@code SecureRandom} ({@code /dev/urandom}, which
 *       never blocks on Linux once seeded);</li>
 *   <li>Netty 4.2's adaptive allocator takes a {@code StampedLock} for a moment when threads
 *       contend while it adds or frees magazines: a few field updates, not I/O (Netty's own
 *       BlockHound rules do not cover it yet; Armeria allows it for the same reason,
 *       line/armeria#6344);</li>
 *   <li>Jackson (2.17.1 and later) builds a type's deserializer once, under a {@code ReentrantLock}
 *       in {@code DeserializerCache}: threads decoding the same new type at the same moment wait
 *       for each other for the time it takes to build it, CPU only. Its maintainers' advice to
 *       Reactor users is to allow that method (FasterXML/jackson-databind#4430, #4561); the
 *       emulators and the clients decode request and response bodies on event loops.</li>
 *   <li>Reactor's bridge to blocking consumers ({@code Flux.toStream}, {@code toIterable}: the
 *       CLI's output, {@code PublisherInputStream}) wakes its consumer from the producing thread
 *       under a {@code ReentrantLock} ({@code BlockingIterable.SubscriberIterator#signalConsumer}).
 *       The consumer holds that lock only to test its queue and to enter {@code await}, which
 *       releases it, so the producer waits nanoseconds at most. Seen in {@code PlatformCommandsIT}:
 *       the event loop met the lock held, and the error BlockHound threw inside {@code onNext}
 *       left {@code tributary db list} waiting for an element that never came.</li>
 * </ul>
 */
public final class KnownNonBlockingCalls implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.handler.ssl.SslContextBuilder", "build");
        builder.allowBlockingCallsInside("com.ongres.scram.common.ScramFunctions", "nonce");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer");
        builder.allowBlockingCallsInside("reactor.core.publisher.BlockingIterable$SubscriberIterator", "signalConsumer");
    }
}

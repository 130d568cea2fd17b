package dev.tributary.r2dbc.copy;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A chunk of {@code COPY} data that tells when the driver has let go of it: r2dbc-postgresql
 * releases the data of a {@code CopyData} message when it encodes the message for the socket (or
 * when it drops it because the copy ended). A heap buffer, so that reading its state after the
 * release is safe (a pooled buffer object would be recycled).
 */
final class CopyChunk extends UnpooledHeapByteBuf {

    private final CountDownLatch released = new CountDownLatch(1);

    /**
     * @param initialCapacity bytes to start with (it grows as needed)
     */
    CopyChunk(int initialCapacity) {
        super(UnpooledByteBufAllocator.DEFAULT, initialCapacity, Integer.MAX_VALUE);
    }

    @Override
    protected void deallocate() {
        super.deallocate();
        this.released.countDown();
    }

    /**
     * Waits for the release (blocking: bounded-elastic threads only).
     *
     * @param timeout how long to wait
     * @param unit    its unit
     * @return whether the chunk was released
     * @throws InterruptedException if interrupted
     */
    boolean awaitRelease(long timeout, TimeUnit unit) throws InterruptedException {
        return this.released.await(timeout, unit);
    }
}

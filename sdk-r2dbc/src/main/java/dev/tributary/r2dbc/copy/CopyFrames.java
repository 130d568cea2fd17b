package dev.tributary.r2dbc.copy;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code COPY} data as r2dbc-postgresql's {@code CopyInBuilder#fromMany} wants it: a publisher
 * of frames, each a publisher of the buffers of one {@code CopyData} message.
 * <p>
 * Frames are lazy: a frame reads its chunk from the {@link CopyRowWriter} (on a bounded-elastic
 * thread) only when the driver subscribes to it, which it does one frame at a time as it sends
 * them; the next frame is offered only once the current one has its chunk. So no chunk waits in a
 * queue (the driver's prefetch holds frames, not buffers), memory stays at a chunk or two whatever
 * the source's size, and nothing is left to leak when the copy stops. (Handing the driver one
 * {@code Publisher<ByteBuf>}, as {@code copyIn(sql, publisher)} does, would gather the whole source
 * into a single message.)
 * <p>
 * After {@link #stop()} (the copy was cancelled or failed) the next frame fails, which ends the
 * driver's side of the copy so the connection can go on with the rollback.
 */
final class CopyFrames {

    private final CopyRowWriter writer;
    private final Sinks.Many<Publisher<ByteBuf>> frames = Sinks.many().unicast().onBackpressureBuffer();
    private final Mono<ByteBuf> frame;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    CopyFrames(CopyRowWriter writer) {
        this.writer = writer;
        this.frame = Mono.fromCallable(this::nextChunk).subscribeOn(Schedulers.boundedElastic());
    }

    /** @return the frames, for one subscriber */
    Flux<Publisher<ByteBuf>> frames() {
        return Flux.defer(() -> {
            this.frames.tryEmitNext(this.frame);
            return this.frames.asFlux();
        });
    }

    /** @return what made the data fail (bad input, the source's error), or {@code null} */
    Throwable failure() {
        return this.failure.get();
    }

    /** Makes the next frame fail; the driver then ends the copy. */
    void stop() {
        this.stopped = true;
    }

    private ByteBuf nextChunk() throws Exception {
        if (this.stopped) {
            throw new CancellationException("COPY stopped");
        }
        ByteBuf chunk;
        try {
            chunk = this.writer.nextChunk();
        } catch (Exception e) {
            if (!this.stopped) {
                this.failure.compareAndSet(null, PublisherInputStream.originalError(e));
            }
            throw e;
        }
        if (this.writer.exhausted()) {
            this.frames.tryEmitComplete();
        } else {
            this.frames.tryEmitNext(this.frame);
        }
        if (this.stopped && chunk != null) {
            chunk.release();
            throw new CancellationException("COPY stopped");
        }
        return chunk;
    }
}

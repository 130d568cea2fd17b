package dev.tributary.r2dbc.copy;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code COPY} data as r2dbc-postgresql's {@code CopyInBuilder#fromMany} wants it: a publisher
 * of frames, each a publisher of the buffers of one {@code CopyData} message.
 * <p>
 * Frames are lazy: a frame reads its chunk from the {@link CopyRowWriter} (on a bounded-elastic
 * thread) only when the driver subscribes to it, which it does one frame at a time; the next frame
 * is offered only once the current one has its chunk, and it starts reading only once the driver
 * has encoded the previous chunk into its message ({@link CopyChunk}). So the driver's prefetch
 * holds frames, not buffers; at most one {@code CopyData} message waits to be written, memory stays
 * at two chunks whatever the source's size, and parsing the next chunk overlaps writing the last.
 * (Handing the driver one {@code Publisher<ByteBuf>}, as {@code copyIn(sql, publisher)} does,
 * would gather the whole source into a single message.)
 * <p>
 * Ending early without breaking the connection: when a copy ends before its data does,
 * r2dbc-postgresql 1.1.1 releases the last {@code CopyData} message it made, even if that message
 * is still waiting to be written; the write then fails and the driver closes the connection. So
 * when the data fails (bad input, the source's error) or a stop is requested (the load was
 * cancelled), the failing frame first waits until the driver has encoded the previous message, and
 * only then fails, which makes the driver end the copy with {@code CopyFail}. (A copy that
 * PostgreSQL ends itself, rejecting a row, cannot be made safe this way; loads into existing
 * tables therefore copy into a constraint-free staging table, see {@link LoadPlan}.)
 */
final class CopyFrames {

    private final CopyRowWriter writer;
    private final Sinks.Many<Publisher<ByteBuf>> frames = Sinks.many().unicast().onBackpressureBuffer();
    private final Mono<ByteBuf> frame;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopRequested;
    private volatile boolean ended;
    private CopyChunk previous;

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

    /** Makes the data fail (gracefully, see the class comment) at the next chance: the load was cancelled. */
    void requestStop() {
        this.stopRequested = true;
    }

    /** Tells that the driver's copy has ended: frames no longer wait for it. */
    void ended() {
        this.ended = true;
    }

    private ByteBuf nextChunk() throws Exception {
        awaitPreviousHandedOver();
        if (this.stopRequested || this.ended) {
            throw new CancellationException("COPY stopped");
        }
        CopyChunk chunk;
        try {
            chunk = this.writer.nextChunk();
        } catch (Exception e) {
            if (!this.stopRequested && !this.ended) {
                this.failure.compareAndSet(null, PublisherInputStream.originalError(e));
            }
            awaitPreviousHandedOver();
            throw e;
        }
        if (this.stopRequested || this.ended) {
            if (chunk != null) {
                chunk.release();
            }
            awaitPreviousHandedOver();
            throw new CancellationException("COPY stopped");
        }
        if (this.writer.exhausted()) {
            this.frames.tryEmitComplete();
        } else {
            this.frames.tryEmitNext(this.frame);
        }
        this.previous = chunk;
        return chunk;
    }

    /** Waits until the driver has encoded (or dropped) the previous chunk, or its copy has ended. */
    private void awaitPreviousHandedOver() throws InterruptedException {
        CopyChunk last = this.previous;
        while (last != null && !this.ended && !last.awaitRelease(20, TimeUnit.MILLISECONDS)) {
            // the driver holds it: its write is queued behind the one before
        }
    }
}

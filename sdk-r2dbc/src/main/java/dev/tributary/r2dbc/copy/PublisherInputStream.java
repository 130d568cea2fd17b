package dev.tributary.r2dbc.copy;

import org.reactivestreams.Publisher;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;

/**
 * A blocking {@link InputStream} over a {@code Publisher<ByteBuffer>}, for parsers that read
 * streams: buffers are requested a few at a time ({@code prefetch}) as the reader consumes them,
 * so a large publisher is never held in memory. Reads block: use it on a bounded-elastic thread
 * (Reactor refuses to block elsewhere); the publisher's buffers are handed over on a bounded-elastic
 * thread too, whatever thread it emits on. {@link #close()} cancels the publisher and wakes a reader
 * blocked waiting for it (the read then ends as if the input had ended).
 * <p>
 * An error signalled by the publisher is thrown by {@code read} as a {@link PublisherFailedException}
 * carrying the original.
 */
final class PublisherInputStream extends InputStream {

    private final Publisher<ByteBuffer> source;
    private final int prefetch;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private volatile boolean isClosed;
    private Iterator<ByteBuffer> buffers;
    private ByteBuffer current;

    /**
     * @param source   the bytes (each buffer read from its position to its limit, not modified)
     * @param prefetch how many buffers to request ahead
     */
    PublisherInputStream(Publisher<ByteBuffer> source, int prefetch) {
        this.source = source;
        this.prefetch = prefetch;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (this.current == null || !this.current.hasRemaining()) {
            if (this.isClosed) {
                throw new IOException("The stream over the publisher is closed");
            }
            if (this.buffers == null) {
                // the blocking iterable's producer side takes a lock: deliver to it from a thread that may block,
                // whatever thread the publisher emits on (an event loop, for a network source)
                this.buffers = Flux.from(this.source)
                        .publishOn(Schedulers.boundedElastic(), this.prefetch)
                        .takeUntilOther(this.closed.asMono())
                        .toIterable(this.prefetch)
                        .iterator();
            }
            try {
                if (!this.buffers.hasNext()) {
                    if (this.isClosed) {
                        throw new IOException("The stream over the publisher is closed");
                    }
                    return -1;
                }
                this.current = this.buffers.next().duplicate();
            } catch (RuntimeException e) {
                throw new PublisherFailedException(Exceptions.unwrap(e));
            }
        }
        int n = Math.min(len, this.current.remaining());
        this.current.get(b, off, n);
        return n;
    }

    @Override
    public void close() {
        this.isClosed = true;
        this.closed.tryEmitEmpty();
    }

    /**
     * @param error an error from reading a source
     * @return the publisher's own error when {@code error} wraps one, else {@code error}
     */
    static Throwable originalError(Throwable error) {
        return error instanceof PublisherFailedException ? error.getCause() : error;
    }

    /**
     * The publisher signalled an error; {@link #getCause()} is that error.
     */
    static final class PublisherFailedException extends IOException {

        private static final long serialVersionUID = 1L;

        PublisherFailedException(Throwable cause) {
            super("The source publisher failed: " + cause, cause);
        }
    }
}

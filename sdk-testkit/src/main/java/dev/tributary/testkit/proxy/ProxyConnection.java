package dev.tributary.testkit.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client connection of a {@link FaultProxy} and its upstream connection: two channels on the
 * same event loop, so every method here runs on that loop and needs no locking. Each direction is
 * a {@link Pump}: read one chunk (auto-read is off), hand it on, read again when it is gone and
 * the other side is writable.
 */
final class ProxyConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);

    /** Throttled bytes go out in slices of this fraction of a second's worth. */
    private static final int SLICES_PER_SECOND = 20;

    private final FaultProxy proxy;
    private final Channel client;
    private final long epoch;
    private final Pump toUpstream;
    private final Pump toClient;
    private Channel upstream;
    private boolean upstreamConnected;
    private boolean swallowing;
    private boolean closed;

    ProxyConnection(FaultProxy proxy, Channel client, long epoch) {
        this.proxy = proxy;
        this.client = client;
        this.epoch = epoch;
        this.toUpstream = new Pump("client -> upstream", proxy.bytesToUpstreamCounter());
        this.toClient = new Pump("upstream -> client", proxy.bytesToClientsCounter());
        this.toUpstream.source = client;
    }

    Channel client() {
        return this.client;
    }

    ChannelHandler clientSide() {
        return new ClientSide();
    }

    boolean isStale() {
        return this.epoch != this.proxy.dropEpoch();
    }

    // --------------------------------------------------------------------------- admission

    void refuse() {
        this.closed = true;
        reset(this.client);
    }

    void swallow() {
        this.swallowing = true;
        this.client.read();
    }

    void connectUpstreamAfter(long millis) {
        this.client.eventLoop().schedule(this::connectUpstream, millis, TimeUnit.MILLISECONDS);
    }

    void connectUpstream() {
        if (this.closed || !this.client.isActive()) {
            return;
        }
        if (isStale()) {
            dropIfStale();
            return;
        }
        ChannelFuture connecting = new Bootstrap()
                .group(this.client.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, this.proxy.upstreamConnectTimeoutMillis())
                .handler(new UpstreamSide())
                .connect(this.proxy.upstreamAddress());
        this.upstream = connecting.channel();
        connecting.addListener((ChannelFutureListener) this::upstreamConnectDone);
    }

    private void upstreamConnectDone(ChannelFuture connecting) {
        if (!connecting.isSuccess()) {
            LOG.debug("Fault proxy: upstream connect to {} failed, resetting the client: {}", this.proxy.upstreamAddress(),
                    connecting.cause().toString());
            if (!this.closed) {
                this.proxy.countFailedUpstreamConnect();
                abort();
            }
            return;
        }
        if (this.closed || !this.client.isActive()) {
            abort();
            return;
        }
        if (isStale()) {
            dropIfStale();
            return;
        }
        this.upstreamConnected = true;
        this.toUpstream.sink = this.upstream;
        this.toClient.source = this.upstream;
        this.toClient.sink = this.client;
        this.toUpstream.maybeRead();
        this.toClient.maybeRead();
    }

    // --------------------------------------------------------------- actions from the proxy

    /** Resets this connection if {@link FaultProxy#dropAll()} was called after it was accepted. */
    void dropIfStale() {
        if (!this.closed && isStale()) {
            this.proxy.countDropped();
            abort();
        }
    }

    /** Forwards what waited (the black hole ended, or the throttle was lifted). */
    void resume() {
        if (!this.closed) {
            this.toUpstream.drain();
            this.toClient.drain();
        }
    }

    /** Closes both sides (FIN), dropping what was not forwarded: the proxy is closing. */
    void close() {
        if (!this.closed) {
            this.closed = true;
            this.client.close();
            if (this.upstream != null) {
                this.upstream.close();
            }
            finish();
        }
    }

    // -------------------------------------------------------------------------- internals

    /** Resets both sides (RST). */
    private void abort() {
        this.closed = true;
        reset(this.client);
        if (this.upstream != null) {
            reset(this.upstream);
        }
        finish();
    }

    private void finish() {
        this.closed = true;
        this.toUpstream.discard();
        this.toClient.discard();
        this.proxy.forget(this);
    }

    private void clientClosed() {
        if (this.closed) {
            return;
        }
        if (!this.upstreamConnected) {
            // held, connecting or swallowed: nothing to forward
            this.closed = true;
            if (this.upstream != null) {
                this.upstream.close();
            }
            finish();
            return;
        }
        this.toUpstream.sourceClosed();
        finishIfBothClosed();
    }

    private void upstreamClosed() {
        if (this.closed) {
            return;
        }
        this.toClient.sourceClosed();
        finishIfBothClosed();
    }

    private void finishIfBothClosed() {
        if (!this.client.isOpen() && (this.upstream == null || !this.upstream.isOpen())) {
            finish();
        }
    }

    private void failed(Channel side, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Fault proxy: {} side failed, resetting the other: {}", side == this.client ? "client" : "upstream",
                    cause.toString());
        } else {
            LOG.warn("Fault proxy: unexpected failure on the {} side, resetting the connection",
                    side == this.client ? "client" : "upstream", cause);
        }
        abort();
    }

    private static void reset(Channel channel) {
        if (channel.isOpen()) {
            try {
                // linger 0: close() sends RST instead of FIN
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (ChannelException e) {
                LOG.debug("Fault proxy: could not set SO_LINGER 0 before a reset: {}", e.toString());
            }
            channel.close();
        }
    }

    /**
     * One direction of the connection: reads from {@code source} one chunk at a time, writes to
     * {@code sink}, honouring the black hole, the throttle and the sink's writability.
     */
    private final class Pump {

        private final String direction;
        private final LongAdder forwarded;
        private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
        private Channel source;
        private Channel sink;
        private boolean readRequested;
        private boolean drainScheduled;
        private boolean sourceClosed;
        private long nextSliceNanos;

        Pump(String direction, LongAdder forwarded) {
            this.direction = direction;
            this.forwarded = forwarded;
        }

        void received(Object message) {
            if (!(message instanceof ByteBuf) || ProxyConnection.this.closed) {
                ReferenceCountUtil.release(message);
                return;
            }
            this.pending.add((ByteBuf) message);
            drain();
        }

        void readComplete() {
            this.readRequested = false;
            maybeRead();
        }

        void sourceClosed() {
            this.sourceClosed = true;
            drain();
        }

        void drain() {
            if (ProxyConnection.this.closed || this.sink == null) {
                return;
            }
            if (isStale()) {
                dropIfStale();
                return;
            }
            boolean wrote = false;
            while (!this.pending.isEmpty() && !ProxyConnection.this.proxy.forwardingPaused()) {
                ByteBuf head = this.pending.peek();
                if (!head.isReadable()) {
                    this.pending.poll().release();
                    continue;
                }
                long rate = ProxyConnection.this.proxy.bytesPerSecond();
                ByteBuf piece;
                if (rate <= 0) {
                    piece = this.pending.poll();
                } else {
                    long now = System.nanoTime();
                    long wait = this.nextSliceNanos - now;
                    if (wait > 0) {
                        scheduleDrain(wait);
                        break;
                    }
                    int size = (int) Math.min(head.readableBytes(), Math.max(1, rate / SLICES_PER_SECOND));
                    piece = head.readRetainedSlice(size);
                    if (!head.isReadable()) {
                        this.pending.poll().release();
                    }
                    this.nextSliceNanos = now + size * 1_000_000_000L / rate;
                }
                forward(piece);
                wrote = true;
            }
            if (wrote) {
                this.sink.flush();
            }
            if (this.pending.isEmpty()) {
                if (this.sourceClosed) {
                    // what the closed side sent is out: close the other side once it is written
                    this.sink.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                } else {
                    maybeRead();
                }
            }
        }

        private void forward(ByteBuf piece) {
            int bytes = piece.readableBytes();
            this.sink.write(piece).addListener(f -> {
                if (f.isSuccess()) {
                    this.forwarded.add(bytes);
                }
            });
        }

        private void scheduleDrain(long nanos) {
            if (!this.drainScheduled) {
                this.drainScheduled = true;
                ProxyConnection.this.client.eventLoop().schedule(() -> {
                    this.drainScheduled = false;
                    drain();
                }, nanos, TimeUnit.NANOSECONDS);
            }
        }

        void maybeRead() {
            if (!this.readRequested && !ProxyConnection.this.closed && this.sink != null && this.pending.isEmpty()
                    && !this.sourceClosed && !ProxyConnection.this.proxy.forwardingPaused()
                    && this.source.isActive() && this.sink.isWritable()) {
                this.readRequested = true;
                this.source.read();
            }
        }

        void discard() {
            ByteBuf buf;
            while ((buf = this.pending.poll()) != null) {
                buf.release();
            }
        }

        @Override
        public String toString() {
            return this.direction;
        }
    }

    private final class ClientSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ProxyConnection.this.proxy.admit(ProxyConnection.this);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ProxyConnection.this.swallowing) {
                ReferenceCountUtil.release(msg);
            } else {
                ProxyConnection.this.toUpstream.received(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (ProxyConnection.this.swallowing) {
                if (!ProxyConnection.this.closed) {
                    ctx.channel().read();
                }
            } else {
                ProxyConnection.this.toUpstream.readComplete();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ProxyConnection.this.toClient.maybeRead();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            clientClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(ctx.channel(), cause);
        }
    }

    private final class UpstreamSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ProxyConnection.this.toClient.received(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ProxyConnection.this.toClient.readComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ProxyConnection.this.toUpstream.maybeRead();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            upstreamClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(ctx.channel(), cause);
        }
    }
}

package dev.tributary.emulator.pgwire;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One direction of an authenticated session: what its channel reads is written, unchanged, to
 * the peer channel. Backpressure as in Netty's proxy example: both channels have auto-read off,
 * a channel is read again only when what it last gave was handed to the peer and the peer is
 * writable; when the peer's outbound buffer drains below its low water mark, the peer's splice
 * reads this channel again. When one side closes, what it sent is flushed to the other side,
 * which is then closed; a failed write closes the channel it was for (and so, in turn, the
 * other).
 */
final class Splice extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final GatewaySession session;

    Splice(Channel peer, GatewaySession session) {
        this.peer = peer;
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        this.peer.write(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        this.peer.flush();
        if (this.peer.isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            this.peer.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (this.peer.isActive()) {
            this.peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        this.session.sideClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        this.session.spliceFailed(ctx.channel(), cause);
    }
}

package dev.tributary.emulator.pgwire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Cuts the bytes of one side of a session into whole PostgreSQL messages during startup, each
 * handed on as one {@link ByteBuf} holding the message with its header (a retained slice: the
 * receiver releases it). Two framings
 * (https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS):
 * <ul>
 *   <li>untyped, the first messages of a client (StartupMessage, SSLRequest, GSSENCRequest,
 *       CancelRequest): {@code int32} length including itself, 8 to
 *       {@value WireMessages#MAX_STARTUP_LENGTH} bytes;</li>
 *   <li>typed, everything else: one type byte, then an {@code int32} length including itself but
 *       not the type byte, 4 to the decoder's maximum.</li>
 * </ul>
 * A length out of range is a {@link ProtocolViolationException} (a typed error naming the peer,
 * the message type and the length), raised before any of the message is buffered; what was
 * received is then discarded. The decoder is
 * removed once the session is spliced: what it still holds is then handed on as raw bytes.
 */
final class PgFrameDecoder extends ByteToMessageDecoder {

    private final String peer;
    private final int maxTypedLength;
    private boolean typed;

    /**
     * @param peer           who sends these bytes, for error messages ("client", "database server")
     * @param typed          whether the first message is typed (the database server's side)
     * @param maxTypedLength the largest typed message accepted, length field included
     */
    PgFrameDecoder(String peer, boolean typed, int maxTypedLength) {
        this.peer = peer;
        this.typed = typed;
        this.maxTypedLength = maxTypedLength;
    }

    /** From now on messages are typed (after the client's StartupMessage). */
    void expectTyped() {
        this.typed = true;
    }

    /** @return bytes received but not yet cut into a message */
    int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (this.typed) {
            if (in.readableBytes() < WireMessages.TYPED_HEADER) {
                return;
            }
            char type = (char) (in.getByte(in.readerIndex()) & 0xFF);
            int length = in.getInt(in.readerIndex() + 1);
            if (length < 4 || length > this.maxTypedLength) {
                in.skipBytes(in.readableBytes());
                throw new ProtocolViolationException("invalid message length " + Integer.toUnsignedString(length) + " of a message of type '"
                        + printable(type) + "' from the " + this.peer + " (4 to " + this.maxTypedLength + " bytes allowed during startup)");
            }
            if (in.readableBytes() >= length + 1) {
                out.add(in.readRetainedSlice(length + 1));
            }
        } else {
            if (in.readableBytes() < 4) {
                return;
            }
            int length = in.getInt(in.readerIndex());
            if (length < WireMessages.UNTYPED_HEADER || length > WireMessages.MAX_STARTUP_LENGTH) {
                in.skipBytes(in.readableBytes());
                throw new ProtocolViolationException("invalid length of startup packet from the " + this.peer + ": "
                        + Integer.toUnsignedString(length) + " bytes (8 to " + WireMessages.MAX_STARTUP_LENGTH + " allowed)");
            }
            if (in.readableBytes() >= length) {
                out.add(in.readRetainedSlice(length));
            }
        }
    }

    static String printable(char type) {
        return type >= 0x20 && type < 0x7F ? String.valueOf(type) : String.format("\\x%02x", (int) type);
    }
}

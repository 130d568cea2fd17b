package dev.tributary.emulator.pgwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few PostgreSQL protocol 3 messages the gateway reads and writes itself during startup
 * (https://www.postgresql.org/docs/current/protocol-message-formats.html); everything after
 * authentication is forwarded without being parsed. Frames handed in here are whole, as
 * {@link PgFrameDecoder} cuts them: untyped ones start with their {@code int32} length, typed ones
 * with the type byte and then the length.
 */
final class WireMessages {

    /** Protocol version 3.0, as a StartupMessage carries it. */
    static final int PROTOCOL_3_0 = 3 << 16;
    static final int SSL_REQUEST_CODE = 80877103;
    static final int GSSENC_REQUEST_CODE = 80877104;
    static final int CANCEL_REQUEST_CODE = 80877102;

    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
    static final int MAX_STARTUP_LENGTH = 10_000;

    static final int AUTH_OK = 0;
    static final int AUTH_KERBEROS_V5 = 2;
    static final int AUTH_CLEARTEXT_PASSWORD = 3;
    static final int AUTH_MD5_PASSWORD = 5;
    static final int AUTH_GSS = 7;
    static final int AUTH_SSPI = 9;
    static final int AUTH_SASL = 10;
    static final int AUTH_SASL_CONTINUE = 11;
    static final int AUTH_SASL_FINAL = 12;

    static final byte AUTHENTICATION = 'R';
    static final byte ERROR_RESPONSE = 'E';
    static final byte NOTICE_RESPONSE = 'N';
    static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    /** PasswordMessage, SASLInitialResponse and SASLResponse share this type byte. */
    static final byte PASSWORD_MESSAGE = 'p';

    /** The offset of a typed message's payload: type byte and length. */
    static final int TYPED_HEADER = 5;
    /** The offset of a startup message's parameters: length and protocol version (or request code). */
    static final int UNTYPED_HEADER = 8;

    private WireMessages() {
    }

    /** The one-byte answer to SSLRequest and GSSENCRequest: {@code 'S'} (go ahead) or {@code 'N'}. */
    static ByteBuf singleByte(ByteBufAllocator alloc, char answer) {
        return alloc.buffer(1).writeByte(answer);
    }

    /** AuthenticationCleartextPassword: {@code 'R'}, length 8, code 3. */
    static ByteBuf authenticationCleartextPassword(ByteBufAllocator alloc) {
        return alloc.buffer(9).writeByte(AUTHENTICATION).writeInt(8).writeInt(AUTH_CLEARTEXT_PASSWORD);
    }

    /**
     * A FATAL ErrorResponse: severity (localized and not), SQLSTATE and message fields.
     *
     * @param sqlState the five-character SQLSTATE
     * @param message  the primary message; must not hold a secret
     */
    static ByteBuf fatalError(ByteBufAllocator alloc, String sqlState, String message) {
        ByteBuf buf = alloc.buffer(64 + message.length());
        buf.writeByte(ERROR_RESPONSE);
        int lengthAt = buf.writerIndex();
        buf.writeInt(0);
        field(buf, 'S', "FATAL");
        field(buf, 'V', "FATAL");
        field(buf, 'C', sqlState);
        field(buf, 'M', message);
        buf.writeByte(0);
        buf.setInt(lengthAt, buf.writerIndex() - lengthAt);
        return buf;
    }

    private static void field(ByteBuf buf, char code, String value) {
        buf.writeByte(code);
        cString(buf, value);
    }

    /** A StartupMessage: length, protocol version, name/value pairs, a terminating zero byte. */
    static ByteBuf startupMessage(ByteBufAllocator alloc, int protocolVersion, Map<String, String> parameters) {
        ByteBuf buf = alloc.buffer(128);
        buf.writeInt(0);
        buf.writeInt(protocolVersion);
        parameters.forEach((name, value) -> {
            cString(buf, name);
            cString(buf, value);
        });
        buf.writeByte(0);
        buf.setInt(0, buf.writerIndex());
        return buf;
    }

    /** A PasswordMessage: {@code 'p'}, length, the password as a C string. */
    static ByteBuf passwordMessage(ByteBufAllocator alloc, String password) {
        ByteBuf buf = alloc.buffer(16 + password.length());
        buf.writeByte(PASSWORD_MESSAGE).writeInt(0);
        cString(buf, password);
        buf.setInt(1, buf.writerIndex() - 1);
        return buf;
    }

    /** A SASLInitialResponse: {@code 'p'}, length, mechanism name, data length, data. */
    static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(32 + bytes.length);
        buf.writeByte(PASSWORD_MESSAGE).writeInt(0);
        cString(buf, mechanism);
        buf.writeInt(bytes.length).writeBytes(bytes);
        buf.setInt(1, buf.writerIndex() - 1);
        return buf;
    }

    /** A SASLResponse: {@code 'p'}, length, data. */
    static ByteBuf saslResponse(ByteBufAllocator alloc, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(5 + bytes.length);
        buf.writeByte(PASSWORD_MESSAGE).writeInt(4 + bytes.length).writeBytes(bytes);
        return buf;
    }

    private static void cString(ByteBuf buf, String value) {
        ByteBufUtil.writeUtf8(buf, value);
        buf.writeByte(0);
    }

    /**
     * Reads the name/value pairs of a StartupMessage (after the length and protocol version).
     *
     * @param frame the whole message
     * @return the parameters in their order
     * @throws ProtocolViolationException if a string is unterminated, a name repeats, or the
     *                                    terminating zero byte is not the last byte
     */
    static Map<String, String> startupParameters(ByteBuf frame) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int at = frame.readerIndex() + UNTYPED_HEADER;
        int end = frame.writerIndex();
        while (true) {
            if (at >= end) {
                throw new ProtocolViolationException("invalid startup packet layout: expected terminator as last byte");
            }
            if (frame.getByte(at) == 0) {
                if (at != end - 1) {
                    throw new ProtocolViolationException("invalid startup packet layout: expected terminator as last byte");
                }
                return parameters;
            }
            int nameEnd = terminator(frame, at, end, "startup packet parameter name");
            String name = frame.toString(at, nameEnd - at, StandardCharsets.UTF_8);
            int valueEnd = terminator(frame, nameEnd + 1, end, "startup packet value of parameter \"" + name + "\"");
            String value = frame.toString(nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8);
            if (parameters.putIfAbsent(name, value) != null) {
                throw new ProtocolViolationException("invalid startup packet: parameter \"" + name + "\" given twice");
            }
            at = valueEnd + 1;
        }
    }

    /**
     * Reads a C string that must fill the payload of a typed message exactly (a PasswordMessage).
     *
     * @param frame the whole message
     * @param what  what the string is, for the error message
     * @return the string (UTF-8)
     * @throws ProtocolViolationException if it is not terminated by the message's last byte
     */
    static String soleCString(ByteBuf frame, String what) {
        int start = frame.readerIndex() + TYPED_HEADER;
        int end = frame.writerIndex();
        int nul = terminator(frame, start, end, what);
        if (nul != end - 1) {
            throw new ProtocolViolationException("invalid " + what + ": bytes after its terminating zero byte");
        }
        return frame.toString(start, nul - start, StandardCharsets.UTF_8);
    }

    /**
     * Reads the list of C strings that ends with an empty one (AuthenticationSASL's mechanisms).
     */
    static List<String> cStringList(ByteBuf payload, String what) {
        List<String> list = new ArrayList<>();
        int at = payload.readerIndex();
        int end = payload.writerIndex();
        while (at < end && payload.getByte(at) != 0) {
            int nul = terminator(payload, at, end, what);
            list.add(payload.toString(at, nul - at, StandardCharsets.UTF_8));
            at = nul + 1;
        }
        if (at >= end) {
            throw new ProtocolViolationException("invalid " + what + ": the list is not terminated");
        }
        return list;
    }

    private static int terminator(ByteBuf buf, int from, int end, String what) {
        int nul = buf.indexOf(from, end, (byte) 0);
        if (nul < 0) {
            throw new ProtocolViolationException("invalid " + what + ": missing terminating zero byte");
        }
        return nul;
    }

    /**
     * @return the protocol version as PostgreSQL prints it, {@code 3.0}
     */
    static String protocolVersion(int version) {
        return (version >>> 16) + "." + (version & 0xFFFF);
    }
}

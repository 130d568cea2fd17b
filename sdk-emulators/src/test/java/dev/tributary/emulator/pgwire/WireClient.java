package dev.tributary.emulator.pgwire;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A blocking PostgreSQL protocol client of a few messages, for tests that send what real drivers
 * never send (absurd lengths, old protocols). For the JUnit thread only.
 */
final class WireClient implements AutoCloseable {

    /** Larger than any message these tests expect: a garbage length fails the read instead of the heap. */
    private static final int MAX_MESSAGE = 1 << 20;

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    WireClient(String host, int port) throws IOException {
        this.socket = new Socket(host, port);
        this.socket.setSoTimeout(10_000);
        // buffered: what a test writes before flush() leaves in one write, as a client pipelining messages sends it
        this.out = new DataOutputStream(new BufferedOutputStream(this.socket.getOutputStream()));
        this.in = new DataInputStream(this.socket.getInputStream());
    }

    /** A message read back: its type and payload (after the length). */
    record Message(char type, byte[] payload) {

        int authenticationCode() {
            return ((this.payload[0] & 0xFF) << 24) | ((this.payload[1] & 0xFF) << 16) | ((this.payload[2] & 0xFF) << 8) | (this.payload[3] & 0xFF);
        }

        /** The fields of an ErrorResponse or NoticeResponse, by their one-letter code. */
        Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int at = 0;
            while (at < this.payload.length && this.payload[at] != 0) {
                char code = (char) this.payload[at++];
                int end = at;
                while (this.payload[end] != 0) {
                    end++;
                }
                fields.put(code, new String(this.payload, at, end - at, StandardCharsets.UTF_8));
                at = end + 1;
            }
            return fields;
        }

        String text() {
            return new String(this.payload, StandardCharsets.UTF_8);
        }
    }

    WireClient writeInt(int value) throws IOException {
        this.out.writeInt(value);
        return this;
    }

    WireClient writeBytes(byte[] bytes) throws IOException {
        this.out.write(bytes);
        return this;
    }

    WireClient flush() throws IOException {
        this.out.flush();
        return this;
    }

    /** Sends an 8-byte request (SSLRequest, GSSENCRequest) and reads the one-byte answer. */
    char request(int code) throws IOException {
        this.out.writeInt(8);
        this.out.writeInt(code);
        this.out.flush();
        return (char) this.in.readUnsignedByte();
    }

    WireClient startup(int protocolVersion, Map<String, String> parameters) throws IOException {
        byte[] body = cStrings(parameters);
        this.out.writeInt(8 + body.length + 1);
        this.out.writeInt(protocolVersion);
        this.out.write(body);
        this.out.writeByte(0);
        this.out.flush();
        return this;
    }

    WireClient password(String password) throws IOException {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        this.out.writeByte('p');
        this.out.writeInt(4 + bytes.length + 1);
        this.out.write(bytes);
        this.out.writeByte(0);
        this.out.flush();
        return this;
    }

    Message read() throws IOException {
        char type = (char) this.in.readUnsignedByte();
        int length = this.in.readInt();
        if (length < 4 || length > MAX_MESSAGE) {
            throw new IOException("not a PostgreSQL message: type '" + type + "' with length " + length);
        }
        byte[] payload = new byte[length - 4];
        this.in.readFully(payload);
        return new Message(type, payload);
    }

    /** @return whether the server closed the connection (end of stream) before sending another byte */
    boolean closedByServer() throws IOException {
        try {
            return this.in.read() < 0;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            // a reset is a close too
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    private static byte[] cStrings(Map<String, String> parameters) {
        StringBuilder b = new StringBuilder();
        parameters.forEach((k, v) -> b.append(k).append('\0').append(v).append('\0'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }
}

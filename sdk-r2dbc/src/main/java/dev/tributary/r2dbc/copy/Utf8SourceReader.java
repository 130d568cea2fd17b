package dev.tributary.r2dbc.copy;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes strict UTF-8 from a stream: a leading byte order mark is skipped, and bytes that are not
 * UTF-8 are a {@link MalformedUtf8Exception} naming their line and byte offset (the characters
 * before them are delivered first, so a parser reading this fails in the record that holds them).
 * Does not close the stream.
 */
final class Utf8SourceReader extends Reader {

    private static final int BUFFER_SIZE = 32 * 1024;

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER_SIZE).flip();
    private boolean endOfInput;
    private boolean flushed;
    private boolean started;
    private long linesDelivered = 1;
    private long bytesDecoded;
    private MalformedUtf8Exception pending;

    Utf8SourceReader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!this.chars.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(length, this.chars.remaining());
        this.chars.get(buffer, offset, n);
        for (int i = offset; i < offset + n; i++) {
            if (buffer[i] == '\n') {
                this.linesDelivered++;
            }
        }
        return n;
    }

    /** @return whether characters are available; {@code false} at the end */
    private boolean fill() throws IOException {
        if (this.pending != null) {
            throw this.pending;
        }
        this.chars.clear();
        while (this.chars.position() == 0 && !this.flushed) {
            if (!this.endOfInput) {
                this.bytes.compact();
                int read = this.in.read(this.bytes.array(), this.bytes.position(), this.bytes.remaining());
                if (read < 0) {
                    this.endOfInput = true;
                } else {
                    this.bytes.position(this.bytes.position() + read);
                }
                this.bytes.flip();
            }
            int before = this.bytes.position();
            CoderResult result = this.decoder.decode(this.bytes, this.chars, this.endOfInput);
            this.bytesDecoded += this.bytes.position() - before;
            if (result.isError()) {
                this.pending = new MalformedUtf8Exception(this.linesDelivered + newlines(this.chars), this.bytesDecoded);
                break;
            }
            if (this.endOfInput && result.isUnderflow()) {
                this.decoder.flush(this.chars);
                this.flushed = true;
            }
        }
        this.chars.flip();
        if (!this.started && this.chars.hasRemaining()) {
            this.started = true;
            if (this.chars.get(this.chars.position()) == '\uFEFF') {
                this.chars.get();
            }
        }
        if (!this.chars.hasRemaining()) {
            if (this.pending != null) {
                throw this.pending;
            }
            return this.flushed ? false : fill();
        }
        return true;
    }

    private static long newlines(CharBuffer written) {
        long n = 0;
        for (int i = 0; i < written.position(); i++) {
            if (written.get(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        // the stream belongs to the caller
    }
}

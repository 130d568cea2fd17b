package dev.tributary.r2dbc.copy;

import java.nio.charset.CharacterCodingException;

/**
 * Bytes that are not UTF-8, with the line and byte offset where they are.
 */
final class MalformedUtf8Exception extends CharacterCodingException {

    private static final long serialVersionUID = 1L;

    private final long line;
    private final long byteOffset;

    MalformedUtf8Exception(long line, long byteOffset) {
        this.line = line;
        this.byteOffset = byteOffset;
    }

    /** @return the 1-based line of the bad bytes */
    long line() {
        return this.line;
    }

    /** @return the 0-based offset of the first bad byte in the source */
    long byteOffset() {
        return this.byteOffset;
    }

    @Override
    public String getMessage() {
        return "invalid UTF-8 at line " + this.line + " (byte offset " + this.byteOffset + ")";
    }
}

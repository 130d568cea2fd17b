package dev.tributary.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteBufferFeeder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decodes the elements of one JSON array inside a body as the body's chunks arrive, with Jackson's
 * non-blocking parser: each element's tokens are gathered in a {@link TokenBuffer} and bound to the
 * element type when the element closes (Spring's {@code Jackson2Tokenizer} is the prior art). Holds
 * at most one element's tokens plus the parser's input chunk. Not thread-safe beyond the
 * {@code synchronized} methods, which let a cancel close the parser while a chunk is being fed.
 */
final class JsonArrayDecoder {

    /** What preceded the array; emitted before the first element when asked for. */
    static final class Head {
        final JsonNode node;

        Head(JsonNode node) {
            this.node = node;
        }
    }

    /** The body does not hold what was asked for; the message says what and where. */
    static final class DecodingFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DecodingFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private enum State { SEEKING, IN_ARRAY, AFTER }

    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final String target;
    private final boolean captureHead;
    private final boolean bigDecimals;
    private final JsonParser parser;
    private final ByteBufferFeeder feeder;

    private State state = State.SEEKING;
    private TokenBuffer head;
    private String pendingField;
    private TokenBuffer element;
    private int depth;
    private long index;
    private boolean closed;

    /**
     * @param mapper      binds the elements
     * @param jsonPointer where the array is (RFC 6901)
     * @param elementType the elements' type
     * @param captureHead whether to emit a {@link Head} before the first element
     * @throws IllegalArgumentException for an invalid pointer
     */
    JsonArrayDecoder(ObjectMapper mapper, String jsonPointer, JavaType elementType, boolean captureHead) {
        this.mapper = mapper;
        this.reader = mapper.readerFor(elementType);
        this.target = JsonPointer.compile(jsonPointer).toString();
        this.captureHead = captureHead;
        this.bigDecimals = mapper.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        try {
            this.parser = mapper.getFactory().createNonBlockingByteBufferParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot create a non-blocking parser", e);
        }
        this.feeder = (ByteBufferFeeder) this.parser.getNonBlockingInputFeeder();
        if (captureHead) {
            this.head = new TokenBuffer(this.parser, null);
        }
    }

    /** @return the number of elements decoded so far */
    synchronized long count() {
        return this.index;
    }

    /**
     * Feeds one chunk of the body (not retained: everything is consumed before returning).
     *
     * @return the elements (and the {@link Head}) completed by this chunk, maybe none
     * @throws DecodingFailure when the body is malformed or an element does not bind
     */
    synchronized List<Object> feed(ByteBuf chunk) {
        if (this.closed || !chunk.isReadable()) {
            return Collections.emptyList();
        }
        List<Object> out = new ArrayList<>();
        try {
            for (ByteBuffer buffer : chunk.nioBuffers()) {
                if (buffer.hasRemaining()) {
                    this.feeder.feedInput(buffer);
                    drain(out);
                }
            }
        } catch (IOException e) {
            throw failure("malformed JSON", e);
        }
        return out;
    }

    /**
     * Ends the input.
     *
     * @return the elements completed by the end of input, maybe none
     * @throws DecodingFailure when the body ended early or held no array at the pointer
     */
    synchronized List<Object> end() {
        if (this.closed) {
            return Collections.emptyList();
        }
        List<Object> out = new ArrayList<>();
        try {
            this.feeder.endOfInput();
            drain(out);
        } catch (IOException e) {
            throw failure("malformed JSON", e);
        }
        if (this.state == State.SEEKING) {
            throw new DecodingFailure("no array at JSON pointer \"" + this.target + "\"", null);
        }
        if (this.state == State.IN_ARRAY) {
            throw new DecodingFailure("the body ended inside the array at \"" + this.target + "\" after "
                    + this.index + " element(s)", null);
        }
        return out;
    }

    /** Releases the parser's buffers; later calls do nothing. */
    synchronized void close() {
        if (!this.closed) {
            this.closed = true;
            try {
                this.parser.close();
            } catch (IOException ignored) {
                // nothing to release beyond the parser's recycled buffers
            }
        }
    }

    private void drain(List<Object> out) throws IOException {
        for (JsonToken token = this.parser.nextToken(); token != null && token != JsonToken.NOT_AVAILABLE;
             token = this.parser.nextToken()) {
            switch (this.state) {
                case SEEKING:
                    seek(token, out);
                    break;
                case IN_ARRAY:
                    inArray(token, out);
                    break;
                default:
                    // after the array: read to the end (so that the connection can be reused), ignore
                    break;
            }
        }
    }

    private void seek(JsonToken token, List<Object> out) throws IOException {
        if (token == JsonToken.FIELD_NAME) {
            if (this.captureHead) {
                flushPendingField();
                this.pendingField = this.parser.currentName();
            }
            return;
        }
        if (token.isStructEnd()) {
            if (this.captureHead) {
                this.head.copyCurrentEvent(this.parser);
            }
            return;
        }
        // a value starts: where is it?
        JsonStreamContext context = token.isStructStart() ? this.parser.getParsingContext().getParent()
                : this.parser.getParsingContext();
        if (this.target.equals(context.pathAsPointer().toString())) {
            if (token != JsonToken.START_ARRAY) {
                throw new DecodingFailure("the value at JSON pointer \"" + this.target + "\" is " + describe(token)
                        + ", not an array", null);
            }
            this.state = State.IN_ARRAY;
            this.depth = 0;
            if (this.captureHead) {
                this.pendingField = null;
                out.add(new Head(closeHead(context)));
            }
            return;
        }
        if (this.captureHead) {
            flushPendingField();
            this.head.copyCurrentEvent(this.parser);
        }
    }

    private void inArray(JsonToken token, List<Object> out) throws IOException {
        if (this.depth == 0) {
            if (token == JsonToken.END_ARRAY) {
                this.state = State.AFTER;
                return;
            }
            this.element = new TokenBuffer(this.parser, null);
            this.element.forceUseOfBigDecimal(this.bigDecimals);
            this.element.copyCurrentEvent(this.parser);
            if (token.isStructStart()) {
                this.depth = 1;
            } else {
                complete(out);
            }
            return;
        }
        this.element.copyCurrentEvent(this.parser);
        if (token.isStructStart()) {
            this.depth++;
        } else if (token.isStructEnd() && --this.depth == 0) {
            complete(out);
        }
    }

    private void complete(List<Object> out) {
        TokenBuffer tokens = this.element;
        this.element = null;
        Object value;
        try (JsonParser elementParser = tokens.asParser()) {
            value = this.reader.readValue(elementParser);
        } catch (IOException e) {
            throw failure("element " + this.index + " of the array at \"" + this.target + "\" does not decode", e);
        }
        if (value == null) {
            throw new DecodingFailure("element " + this.index + " of the array at \"" + this.target + "\" is null", null);
        }
        this.index++;
        out.add(value);
    }

    private void flushPendingField() throws IOException {
        if (this.pendingField != null) {
            this.head.writeFieldName(this.pendingField);
            this.pendingField = null;
        }
    }

    /** Closes the containers still open around the array, and reads the head as a tree. */
    private JsonNode closeHead(JsonStreamContext arrayParent) throws IOException {
        for (JsonStreamContext c = arrayParent; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                this.head.writeEndObject();
            } else {
                this.head.writeEndArray();
            }
        }
        JsonNode node;
        try (JsonParser headParser = this.head.asParser()) {
            node = headParser.nextToken() == null ? null : this.mapper.readTree(headParser);
        }
        this.head = null;
        return node == null ? MissingNode.getInstance() : node;
    }

    private DecodingFailure failure(String what, IOException e) {
        return new DecodingFailure(what + " (near element " + this.index + ")", e);
    }

    private static String describe(JsonToken token) {
        switch (token) {
            case START_OBJECT:
                return "an object";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.name();
        }
    }
}

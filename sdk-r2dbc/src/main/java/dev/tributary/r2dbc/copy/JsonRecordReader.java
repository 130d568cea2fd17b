package dev.tributary.r2dbc.copy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.Arrays;

/**
 * Reads records from JSON with Jackson's streaming parser: a top-level array of objects, or
 * objects one after the other (NDJSON; blank lines do not matter). UTF-8 (a byte order mark is
 * skipped). Each object is a record: its keys name columns ({@link SourceColumns}), strings,
 * numbers and booleans are kept as text with their kind, nested objects and arrays as their JSON
 * text, {@code null} as NULL.
 */
final class JsonRecordReader implements RecordReader {

    static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final JsonParser parser;
    private final SourceColumns columns;
    private boolean started;
    private boolean inArray;
    private boolean ended;
    private long ordinal;

    /**
     * @param in      the source's bytes (not closed by this reader)
     * @param columns the columns seen so far; new keys are added unless frozen
     * @throws IOException if the parser cannot be created
     */
    JsonRecordReader(InputStream in, SourceColumns columns) throws IOException {
        this.parser = FACTORY.createParser(in);
        this.columns = columns;
    }

    @Override
    public SourceRecord next() throws SourceFormatException, IOException {
        if (this.ended) {
            return null;
        }
        long line = 0;
        boolean inRecord = false;
        try {
            JsonToken token = this.parser.nextToken();
            if (!this.started) {
                this.started = true;
                if (token == JsonToken.START_ARRAY) {
                    this.inArray = true;
                    token = this.parser.nextToken();
                }
            }
            if (token == null || this.inArray && token == JsonToken.END_ARRAY) {
                if (token != null && this.parser.nextToken() != null) {
                    JsonLocation at = this.parser.currentTokenLocation();
                    throw new SourceFormatException("invalid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
                            + ": content after the end of the top-level array", at.getLineNr(), this.ordinal + 1, null, null);
                }
                this.ended = true;
                return null;
            }
            line = this.parser.currentTokenLocation().getLineNr();
            this.ordinal++;
            inRecord = true;
            if (token != JsonToken.START_OBJECT) {
                throw new SourceFormatException("record " + this.ordinal + " is " + describe(token) + ", not a JSON object", line,
                        this.ordinal, null, null);
            }
            String[] values = new String[this.columns.size()];
            byte[] kinds = new byte[values.length];
            while ((token = this.parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = this.parser.currentName();
                int index = this.columns.indexOf(name);
                if (index < 0) {
                    throw new SourceFormatException("the key '" + name + "' first appears in record " + this.ordinal + ", "
                            + this.columns.frozenBecause(), line, this.ordinal, name, null);
                }
                if (index >= values.length) {
                    values = Arrays.copyOf(values, this.columns.size());
                    kinds = Arrays.copyOf(kinds, this.columns.size());
                }
                token = this.parser.nextToken();
                switch (token) {
                    case VALUE_STRING:
                        values[index] = this.parser.getText();
                        kinds[index] = SourceRecord.TEXT;
                        break;
                    case VALUE_NUMBER_INT:
                    case VALUE_NUMBER_FLOAT:
                        values[index] = this.parser.getText();
                        kinds[index] = SourceRecord.NUMBER;
                        break;
                    case VALUE_TRUE:
                    case VALUE_FALSE:
                        values[index] = this.parser.getText();
                        kinds[index] = SourceRecord.BOOLEAN;
                        break;
                    case VALUE_NULL:
                        values[index] = null;
                        kinds[index] = SourceRecord.TEXT;
                        break;
                    default:
                        values[index] = structure();
                        kinds[index] = SourceRecord.STRUCTURE;
                }
            }
            return new SourceRecord(line, this.ordinal, values, kinds);
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            long errorLine = at != null ? at.getLineNr() : line;
            String position = at != null ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
            String where = inRecord ? " (in record " + this.ordinal + ", which starts at line " + line + ")" : "";
            throw new SourceFormatException("invalid JSON" + position + where + ": " + firstLine(e.getOriginalMessage()), errorLine,
                    inRecord ? this.ordinal : this.ordinal + 1, null, e);
        }
    }

    private String structure() throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
            generator.copyCurrentStructure(this.parser);
        }
        return text.toString();
    }

    private static String describe(JsonToken token) {
        switch (token) {
            case START_ARRAY:
                return "a JSON array";
            case VALUE_STRING:
                return "a JSON string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a JSON number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a JSON boolean";
            case VALUE_NULL:
                return "JSON null";
            default:
                return "unexpected JSON (" + token + ")";
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

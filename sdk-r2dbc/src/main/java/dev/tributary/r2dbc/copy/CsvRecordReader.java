package dev.tributary.r2dbc.copy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV records with Jackson's streaming {@link CsvParser}: comma-separated, fields
 * quoted with {@code "} (doubled inside), line breaks inside quoted fields, CRLF or LF line ends,
 * strict UTF-8 with an optional byte order mark. An unquoted empty field is NULL, a quoted empty
 * field ({@code ""}) an empty string. Blank lines are skipped. Each record knows the line it starts
 * on, so errors name it even when the parser notices them later (an unclosed quote is only noticed
 * at the end of the input).
 */
final class CsvRecordReader implements RecordReader {

    private static final CsvFactory FACTORY = CsvFactory.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
            .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
            .build();

    private final CsvParser parser;
    private final List<String> fields = new ArrayList<>();
    private boolean started;
    private long ordinal;

    /**
     * @param in the source's bytes (not closed by this reader)
     * @throws IOException if the parser cannot be created
     */
    CsvRecordReader(InputStream in) throws IOException {
        this.parser = FACTORY.createParser(new Utf8SourceReader(in));
        this.parser.setSchema(CsvSchema.emptySchema());
    }

    @Override
    public SourceRecord next() throws SourceFormatException, IOException {
        while (true) {
            long line = this.parser.currentLocation().getLineNr();
            try {
                JsonToken token = this.parser.nextToken();
                if (!this.started) {
                    this.started = true;
                    if (token == JsonToken.START_ARRAY) {
                        line = this.parser.currentLocation().getLineNr();
                        token = this.parser.nextToken();
                    }
                }
                if (token == null || token == JsonToken.END_ARRAY) {
                    return null;
                }
                line = this.parser.currentLocation().getLineNr();
                this.ordinal++;
                this.fields.clear();
                for (token = this.parser.nextToken(); token != JsonToken.END_ARRAY; token = this.parser.nextToken()) {
                    if (token == JsonToken.VALUE_STRING) {
                        this.fields.add(this.parser.getText());
                    } else if (token == JsonToken.VALUE_NULL) {
                        this.fields.add(null);
                    } else {
                        throw new SourceFormatException("unexpected CSV token " + token + " in the record that starts at line " + line,
                                line, this.ordinal, null, null);
                    }
                }
            } catch (StreamReadException e) {
                throw syntaxError(e, line);
            } catch (MalformedUtf8Exception e) {
                throw new SourceFormatException(e.getMessage() + ", in the record that starts at line " + line, line,
                        Math.max(this.ordinal, 1), null, e);
            }
            if (this.fields.size() == 1 && this.fields.get(0) == null) {
                this.ordinal--; // a blank line
                continue;
            }
            return new SourceRecord(line, this.ordinal, this.fields.toArray(new String[0]), null);
        }
    }

    private SourceFormatException syntaxError(StreamReadException e, long line) {
        String original = e.getOriginalMessage();
        long ordinal = Math.max(this.ordinal, 1);
        if (original != null && original.startsWith("Missing closing quote")) {
            return new SourceFormatException("unclosed quote in the record that starts at line " + line
                    + " (a field opened with \" is never closed; the parser reached the end of the input)", line, ordinal, null, e);
        }
        JsonLocation at = e.getLocation();
        String position = at != null ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
        return new SourceFormatException("malformed CSV" + position + ", in the record that starts at line " + line + ": "
                + firstLine(original), line, ordinal, null, e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.tributary.emulator.platform.ExportWriter.ExportColumn;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The query endpoint's answer as UTF-8 chunks, produced as rows arrive:
 * {@code {"query_string": ..., "metadata": {column: type, ...}, "data": [[...], ...]}}, or with
 * {@code data_format=objects}, {@code "data": [{column: value, ...}, ...]}. The header is one
 * chunk, then one chunk per {@value #ROWS_PER_CHUNK} rows (fewer at the end), then the closing
 * brackets: the body is never held whole.
 */
final class QueryResponseBody {

    /** Rows encoded into one chunk. */
    static final int ROWS_PER_CHUNK = 256;

    /** Writes parts of one document: closing a generator must not close the brackets the next chunk continues. */
    private static final JsonFactory JSON = new JsonFactoryBuilder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .rootValueSeparator((String) null)
            .build();

    private QueryResponseBody() {
    }

    /**
     * @param queryString the query as the client sent it
     * @param columns     the result's columns (empty for a statement that returns no rows)
     * @param objects     rows as objects instead of arrays
     * @param rows        the rows, consumed with backpressure
     * @param counted     told how many rows each chunk holds
     * @return the chunks
     */
    static Flux<byte[]> encode(String queryString, List<ExportColumn> columns, boolean objects, Flux<Object[]> rows, LongConsumer counted) {
        String[] names = new String[columns.size()];
        boolean[] json = new boolean[columns.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = columns.get(i).name();
            String type = columns.get(i).postgresType();
            json[i] = "json".equals(type) || "jsonb".equals(type);
        }
        return Flux.defer(() -> {
            boolean[] first = {true};
            Mono<byte[]> header = Mono.fromCallable(() -> header(queryString, columns));
            Flux<byte[]> body = rows.buffer(ROWS_PER_CHUNK).map(batch -> {
                byte[] chunk = rows(batch, names, json, objects, first[0]);
                first[0] = false;
                counted.accept(batch.size());
                return chunk;
            });
            return Flux.concat(header, body, Mono.fromCallable(() -> new byte[] {']', '}'}));
        });
    }

    private static byte[] header(String queryString, List<ExportColumn> columns) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("query_string", queryString);
            g.writeObjectFieldStart("metadata");
            for (ExportColumn c : columns) {
                g.writeStringField(c.name(), c.postgresType());
            }
            g.writeEndObject();
            g.writeRaw(",\"data\":[");
        }
        return out.toByteArray();
    }

    private static byte[] rows(List<Object[]> batch, String[] names, boolean[] json, boolean objects, boolean first) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 32);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            boolean comma = !first;
            for (Object[] row : batch) {
                if (comma) {
                    g.writeRaw(',');
                }
                comma = true;
                if (objects) {
                    g.writeStartObject();
                    for (int i = 0; i < names.length; i++) {
                        g.writeFieldName(names[i]);
                        SqlValues.writeJson(g, row[i], json[i]);
                    }
                    g.writeEndObject();
                } else {
                    g.writeStartArray();
                    for (int i = 0; i < names.length; i++) {
                        SqlValues.writeJson(g, row[i], json[i]);
                    }
                    g.writeEndArray();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

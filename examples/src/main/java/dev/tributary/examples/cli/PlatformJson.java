package dev.tributary.examples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Writes the platform's objects (databases, import and export jobs) to stdout as pretty-printed
 * JSON in the service's own shape: snake_case fields, ISO 8601 dates.
 */
final class PlatformJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    private PlatformJson() {
    }

    /**
     * @param value a platform object
     * @param out   where to write it, followed by a line break; flushed
     */
    static void write(Object value, PrintWriter out) throws IOException {
        MAPPER.writeValue(out, value);
        out.println();
        out.flush();
    }

    /**
     * Writes a JSON array, one element at a time as they arrive: the elements are consumed on the
     * calling thread, a few at a time (backpressure).
     *
     * @param values the elements
     * @param out    where to write the array, followed by a line break; flushed
     * @return how many elements were written
     */
    static long writeArray(Flux<?> values, PrintWriter out) throws IOException {
        long count = 0;
        try (JsonGenerator json = MAPPER.createGenerator(out); Stream<?> stream = values.toStream(16)) {
            json.writeStartArray();
            for (Iterator<?> it = stream.iterator(); it.hasNext(); ) {
                MAPPER.writeValue(json, it.next());
                count++;
            }
            json.writeEndArray();
        }
        out.println();
        out.flush();
        return count;
    }
}

package dev.tributary.r2dbc.copy;

import dev.tributary.r2dbc.clickhouse.ClickHouseConnection;
import dev.tributary.sql.load.ExportRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One export from ClickHouse: the server writes the format ({@code CSVWithNames} for CSV,
 * {@code JSONEachRow} for NDJSON and, turned into an array on the fly, for JSON) and its body is
 * passed on as it arrives ({@link ClickHouseConnection#queryBody}).
 */
final class ClickHouseExport {

    /** 64-bit integers as JSON numbers, as the PostgreSQL export writes them (ClickHouse quotes them by default). */
    private static final Map<String, String> JSON_SETTINGS = Map.of("output_format_json_quote_64bit_integers", "0");

    private ClickHouseExport() {
    }

    static Flux<ByteBuffer> export(ClickHouseConnection connection, ExportRequest request) {
        return Flux.defer(() -> {
            String sql = request.table() != null ? "SELECT * FROM " + ClickHouseLoad.quoted(TableName.parse(request.table()))
                    : request.query();
            switch (request.format()) {
                case CSV:
                    return connection.queryBody(sql, request.parameters(), "CSVWithNames", Map.of());
                case NDJSON:
                    return connection.queryBody(sql, request.parameters(), "JSONEachRow", JSON_SETTINGS);
                case JSON:
                    return jsonArray(connection.queryBody(sql, request.parameters(), "JSONEachRow", JSON_SETTINGS));
                default:
                    return Flux.error(new UnsupportedOperationException("ClickHouse export has no form of " + request.format()));
            }
        });
    }

    /**
     * JSONEachRow ({@code {..}\n{..}\n}) as the PostgreSQL export's JSON array ({@code [\n{..},\n{..}\n]\n}):
     * JSON escapes line breaks inside values, so every line feed of the body ends a row.
     */
    static Flux<ByteBuffer> jsonArray(Flux<ByteBuffer> jsonEachRow) {
        return Flux.defer(() -> {
            boolean[] state = new boolean[2]; // [0]: a row ended and its line feed is pending; [1]: a row started
            Flux<ByteBuffer> rows = jsonEachRow.map(chunk -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.remaining() + 64);
                while (chunk.hasRemaining()) {
                    byte b = chunk.get();
                    if (b == '\n') {
                        state[0] = true;
                        continue;
                    }
                    if (state[0]) {
                        out.write(',');
                        out.write('\n');
                        state[0] = false;
                    }
                    state[1] = true;
                    out.write(b);
                }
                return ByteBuffer.wrap(out.toByteArray());
            }).filter(ByteBuffer::hasRemaining);
            return Flux.concat(Mono.fromSupplier(() -> ascii("[\n")), rows,
                    Mono.fromSupplier(() -> ascii(state[1] ? "\n]\n" : "]\n")));
        });
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}

package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ExportRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One export: the table or query read with a fetch size, each row encoded as it arrives, the
 * encoded bytes handed on in chunks. Demand flows back to the database: rows are only requested as
 * chunks are, so a slow consumer holds back the query (the server stops at its socket buffers).
 */
final class PostgresExport {

    private PostgresExport() {
    }

    static Flux<ByteBuffer> export(Connection connection, ExportRequest request, int fetchSize) {
        return Flux.defer(() -> {
            String sql = request.table() != null ? "SELECT * FROM " + TableName.parse(request.table()).quoted()
                    : withoutTrailingSemicolons(request.query());
            Statement statement = connection.createStatement(sql);
            List<Object> parameters = request.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                statement.bind(i, parameters.get(i));
            }
            // r2dbc-postgresql refuses a fetch size for SQL that contains a ';' (it cannot tell a literal from a separator)
            if (fetchSize > 0 && sql.indexOf(';') < 0) {
                statement.fetchSize(fetchSize);
            }
            ExportEncoder encoder = ExportEncoder.of(request.format());
            return Flux.from(statement.execute())
                    .concatMap(result -> result.map(encoder::encode))
                    .filter(chunk -> chunk != ExportEncoder.NOTHING)
                    .concatWith(Mono.fromSupplier(encoder::finish).filter(chunk -> chunk != ExportEncoder.NOTHING))
                    // Rows the driver had buffered when the consumer cancels are dropped through Reactor's discard
                    // hook; release them (r2dbc-postgresql leaks them otherwise, pgjdbc/r2dbc-postgresql#580).
                    .doOnDiscard(ReferenceCounted.class, PostgresExport::release);
        });
    }

    private static void release(ReferenceCounted message) {
        if (message.refCnt() > 0) {
            ReferenceCountUtil.safeRelease(message);
        }
    }

    private static String withoutTrailingSemicolons(String sql) {
        int end = sql.length();
        while (end > 0 && (sql.charAt(end - 1) == ';' || Character.isWhitespace(sql.charAt(end - 1)))) {
            end--;
        }
        return sql.substring(0, end);
    }
}

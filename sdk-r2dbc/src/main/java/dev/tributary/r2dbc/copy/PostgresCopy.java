package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ExportRequest;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import io.r2dbc.spi.Connection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;

/** Placeholder replaced by the bulk load branch before this lands. */
public final class PostgresCopy {

    private PostgresCopy() {
    }

    public static Mono<LoadResult> load(Connection connection, LoadRequest request) {
        return Mono.error(new IllegalStateException("bulk load lands with the copy branch"));
    }

    public static Flux<ByteBuffer> export(Connection connection, ExportRequest request, int fetchSize) {
        return Flux.error(new IllegalStateException("export lands with the copy branch"));
    }
}

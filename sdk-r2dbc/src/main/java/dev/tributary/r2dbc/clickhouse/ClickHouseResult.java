package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The result of one ClickHouse statement (API skeleton; implementation follows).
 */
public final class ClickHouseResult implements Result {

    ClickHouseResult() {
    }

    @Override
    public Mono<Long> getRowsUpdated() {
        return Mono.error(new UnsupportedOperationException("not yet"));
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }

    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }

    @Override
    public ClickHouseResult filter(Predicate<Segment> filter) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }
}

package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The result of one ClickHouse statement (one HTTP response). A query's rows are decoded as the
 * response body arrives, with backpressure: the body is read from the socket only as fast as the
 * subscriber requests rows. Consume it once ({@link #map}, {@link #getRowsUpdated()},
 * {@link #flatMap}); until it is consumed or its subscriber cancels, the connection's next
 * statement waits. Cancelling stops the query on the server ({@code KILL QUERY}).
 * <p>
 * Rows updated: ClickHouse reports written rows only in the {@code X-ClickHouse-Summary} response
 * header (ClickHouse 19.x and later, sent when the query finished); without it
 * {@link #getRowsUpdated()} completes empty. A query's result has no update count.
 */
public final class ClickHouseResult implements Result {

    private final Flux<Segment> segments;
    private final AtomicBoolean consumed;

    private ClickHouseResult(Flux<Segment> segments, AtomicBoolean consumed) {
        this.segments = segments;
        this.consumed = consumed;
    }

    /** @param segments the segments, subscribed at most once */
    static ClickHouseResult of(Flux<Segment> segments) {
        return new ClickHouseResult(segments, new AtomicBoolean());
    }

    /** @param rowsUpdated the update count, or {@code null} when the server did not say */
    static ClickHouseResult updateCount(Long rowsUpdated) {
        return of(rowsUpdated == null ? Flux.empty() : Flux.just(new UpdateCountSegment(rowsUpdated)));
    }

    private Flux<Segment> consume() {
        return Flux.defer(() -> consumed.compareAndSet(false, true) ? segments
                : Flux.error(new IllegalStateException("This ClickHouseResult was already consumed (a Result can be consumed once)")));
    }

    /**
     * @return the rows written, when the server reported them; empty otherwise (and for queries,
     *         after their rows were read and discarded); errors as {@link #map}
     */
    @Override
    public Mono<Long> getRowsUpdated() {
        return consume().<Long>handle((segment, sink) -> {
            if (segment instanceof UpdateCount) {
                sink.next(((UpdateCount) segment).value());
            }
        }).reduce(Long::sum);
    }

    /**
     * @param mappingFunction applied to each row and the result's metadata; must not return {@code null}
     * @return the mapped rows; errors: the server's error as an {@link io.r2dbc.spi.R2dbcException}
     *         (also one that arrives after rows: the rows before it are emitted first),
     *         {@link io.r2dbc.spi.R2dbcTransientResourceException} when the connection breaks,
     *         {@link IllegalStateException} when the result was already consumed
     */
    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return consume().handle((segment, sink) -> {
            if (segment instanceof RowSegment) {
                Row row = ((RowSegment) segment).row();
                sink.next(mappingFunction.apply(row, row.getMetadata()));
            }
        });
    }

    /**
     * @param mappingFunction applied to each row; must not return {@code null}
     * @return the mapped rows; errors as {@link #map(BiFunction)}
     */
    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return consume().handle((segment, sink) -> {
            if (segment instanceof RowSegment) {
                sink.next(mappingFunction.apply(((RowSegment) segment).row()));
            }
        });
    }

    /**
     * @return a result of the segments {@code filter} accepts; this result must not be consumed afterwards
     */
    @Override
    public ClickHouseResult filter(Predicate<Segment> filter) {
        Objects.requireNonNull(filter, "filter");
        return new ClickHouseResult(segments.filter(filter), consumed);
    }

    /**
     * @return each segment ({@link RowSegment}s, an {@link UpdateCount}) mapped, in order
     */
    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return consume().concatMap(mappingFunction, 1);
    }

    @Override
    public String toString() {
        return "ClickHouseResult{consumed=" + consumed.get() + "}";
    }

    /** A row of the result. */
    static final class ClickHouseRowSegment implements RowSegment {

        private final ClickHouseRow row;

        ClickHouseRowSegment(ClickHouseRow row) {
            this.row = row;
        }

        @Override
        public ClickHouseRow row() {
            return row;
        }
    }

    /** The rows the statement wrote, as the server reported them. */
    static final class UpdateCountSegment implements UpdateCount {

        private final long value;

        UpdateCountSegment(long value) {
            this.value = value;
        }

        @Override
        public long value() {
            return value;
        }
    }
}

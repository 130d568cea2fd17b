package dev.tributary.benchmarks.sql;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;

/**
 * A contender with a Reactor (or Reactor-bridged) API: operations are {@code Mono}s run by
 * {@link ClosedLoop#reactive}; a slow consumer runs on a thread of its own behind
 * {@code publishOn(.., 256)}, so the client sees demand of at most 256 rows at a time.
 */
abstract class ReactiveContender extends Contender {

    private static final Scheduler SLOW_CONSUMER = Schedulers.newSingle("slow-consumer", true);

    ReactiveContender(String name) {
        super(name);
    }

    /** @return one point select of {@code id}: the item */
    abstract Mono<Item> pointSelect(long id);

    /** @return one transfer transaction on account {@code id}: the new balance */
    abstract Mono<Long> transfer(long id);

    /** @return the items with id up to {@code rows} */
    abstract Flux<Item> items(long rows);

    @Override
    final LoopResult closedLoop(Workload workload, long keys, int concurrency, Duration duration) {
        return workload == Workload.POINT_SELECT
                ? ClosedLoop.reactive(this::pointSelect, keys, concurrency, duration)
                : ClosedLoop.reactive(this::transfer, Workload.ACCOUNTS, concurrency, duration);
    }

    @Override
    final long stream(long rows, RowConsumer consumer) {
        Flux<Item> items = items(rows);
        if (consumer.isSlow()) {
            items = items.publishOn(SLOW_CONSUMER, 256);
        }
        Long count = items.doOnNext(consumer::accept).count().block(Duration.ofMinutes(5));
        return count == null ? 0 : count;
    }
}

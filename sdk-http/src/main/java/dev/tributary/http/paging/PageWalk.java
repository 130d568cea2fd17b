package dev.tributary.http.paging;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tributary.http.RequestSpec;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The demand-driven walk over pages. Reactor's operators fetch ahead ({@code concatMap} with no
 * prefetch still subscribes to the next page as soon as the current one completes, whatever the
 * demand; {@code expand} subscribes to the next page on emission), so the walk is a small state
 * machine under {@link Flux#create}: a page is fetched only when every item already fetched has been
 * emitted and downstream has requested more (or, with prefetch, as soon as the current page has
 * arrived). Its state is touched only inside the serialized {@link #drain()} loop (the
 * queue-drain pattern); page arrivals and requests enter through a queue and the work counter.
 *
 * @param <P> the page type
 * @param <E> what is emitted: an item, or a page
 */
final class PageWalk<P, E> {

    private final FluxSink<E> sink;
    private final Function<RequestSpec, Mono<P>> fetch;
    private final Function<? super P, String> next;
    private final Function<? super P, ? extends List<?>> items;
    private final boolean emitPages;
    private final boolean prefetch;

    private final AtomicInteger wip = new AtomicInteger();
    private final ConcurrentLinkedQueue<Object> arrivals = new ConcurrentLinkedQueue<>();

    // drain-loop state
    private Iterator<E> current = Collections.emptyIterator();
    private List<E> ready;
    private RequestSpec nextRequest;
    private RequestSpec lastFetched;
    private RuntimeException invalidLink;
    private boolean fetching;
    private volatile boolean cancelled;
    private volatile Disposable inFlight;

    private PageWalk(FluxSink<E> sink, RequestSpec first, Function<RequestSpec, Mono<P>> fetch,
                     Function<? super P, String> next, Function<? super P, ? extends List<?>> items,
                     boolean emitPages, boolean prefetch) {
        this.sink = sink;
        this.fetch = fetch;
        this.next = next;
        this.items = items;
        this.emitPages = emitPages;
        this.prefetch = prefetch;
        this.nextRequest = first;
    }

    @SuppressWarnings("unchecked")
    static <P, T, E> Flux<E> flux(RequestSpec first, Object pageType, Function<? super P, String> next,
                                  Function<? super P, ? extends List<? extends T>> items, boolean emitPages, boolean prefetch) {
        Function<RequestSpec, Mono<P>> fetch = pageType instanceof Class
                ? spec -> spec.retrieve((Class<P>) pageType)
                : spec -> spec.retrieve((TypeReference<P>) pageType);
        return Flux.create(sink -> {
            PageWalk<P, E> walk = new PageWalk<>(sink, first, fetch, next, items, emitPages, prefetch);
            sink.onRequest(n -> walk.drain());
            sink.onCancel(walk::cancel);
        }, FluxSink.OverflowStrategy.ERROR);
    }

    /**
     * Downstream cancelled: stops the page in flight, if any. Runs on whatever thread cancels, often
     * inside {@link #drain()} (a {@code take(n)} cancels from its n-th {@code onNext}), so it never
     * throws: an error while stopping the request is dropped to Reactor's hook, not thrown into the
     * drain loop (which would leave the walk's work counter held and the subscriber waiting forever).
     */
    private void cancel() {
        this.cancelled = true;
        Disposable running = this.inFlight;
        this.inFlight = null;
        if (running != null) {
            try {
                running.dispose();
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e);
                Operators.onErrorDropped(e, Context.of(this.sink.contextView()));
            }
        }
    }

    private void drain() {
        if (this.wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            if (this.cancelled) {
                return;
            }
            Object arrival;
            while ((arrival = this.arrivals.poll()) != null) {
                this.fetching = false;
                if (arrival instanceof Failure) {
                    this.sink.error(((Failure) arrival).error);
                    return;
                }
                try {
                    accept(arrival == NO_BODY ? null : cast(arrival));
                } catch (RuntimeException e) {
                    this.sink.error(e);
                    return;
                }
            }
            try {
                while (this.sink.requestedFromDownstream() > 0 && this.current.hasNext() && !this.cancelled) {
                    this.sink.next(this.current.next());
                }
            } catch (Throwable e) {
                // a downstream operator threw from onNext (or from the cancel it caused): stop fetching,
                // and report it (Reactor's serialized sink may hold it back after such a throw)
                Exceptions.throwIfJvmFatal(e);
                cancel();
                this.sink.error(e);
                return;
            }
            if (this.cancelled) {
                return;
            }
            if (!this.current.hasNext() && this.ready != null) {
                this.current = this.ready.iterator();
                this.ready = null;
                continue;
            }
            if (!this.current.hasNext() && this.ready == null && this.nextRequest == null && !this.fetching) {
                if (this.invalidLink != null) {
                    this.sink.error(this.invalidLink);
                } else {
                    this.sink.complete();
                }
                return;
            }
            if (!this.fetching && this.nextRequest != null && this.ready == null
                    && (this.prefetch || (!this.current.hasNext() && this.sink.requestedFromDownstream() > 0))) {
                startFetch();
            }
            missed = this.wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** A page arrived (or {@code null}: a response without a body): queue its items, find the next link. */
    @SuppressWarnings("unchecked")
    private void accept(P page) {
        if (page == null) {
            return;
        }
        List<?> pageItems = this.items.apply(page);
        boolean empty = pageItems == null || pageItems.isEmpty();
        if (this.emitPages) {
            this.ready = (List<E>) List.of(page);
        } else if (!empty) {
            for (Object item : pageItems) {
                Objects.requireNonNull(item, "a page held a null item");
            }
            this.ready = (List<E>) List.copyOf(pageItems);
        }
        // an empty page ends the walk even when it links to another (a known quirk of paged APIs)
        String link = empty ? null : this.next.apply(page);
        if (link != null && !link.isBlank()) {
            try {
                this.nextRequest = this.lastFetched.url(link);
            } catch (RuntimeException invalid) {
                // signalled after this page's items: they are good
                this.invalidLink = invalid;
            }
        }
    }

    private void startFetch() {
        RequestSpec request = this.nextRequest;
        this.nextRequest = null;
        this.lastFetched = request;
        this.fetching = true;
        BaseSubscriber<Object> page = new BaseSubscriber<>() {
            @Override
            protected void hookOnNext(Object value) {
                arrive(value);
            }

            @Override
            protected void hookOnError(Throwable error) {
                arrive(new Failure(error));
            }
        };
        // set before subscribing, cleared by the arrival: a cancel stops the fetch only while it runs
        this.inFlight = page;
        this.fetch.apply(request)
                .map(value -> (Object) value)
                .defaultIfEmpty(NO_BODY)
                .subscribe(page);
    }

    private void arrive(Object value) {
        // the fetch is over: a cancel from now on has nothing to stop (and must not dispose the
        // subscriber that is delivering this value)
        this.inFlight = null;
        this.arrivals.offer(value);
        drain();
    }

    @SuppressWarnings("unchecked")
    private P cast(Object value) {
        return (P) value;
    }

    private static final Object NO_BODY = new Object();

    private static final class Failure {
        final Throwable error;

        Failure(Throwable error) {
            this.error = error;
        }
    }
}

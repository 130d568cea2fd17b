package dev.tributary.http.paging;

import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.function.Function;

/** The demand-driven walk over pages. */
final class PageWalk {

    private PageWalk() {
    }

    static <P, T, E> Flux<E> flux(RequestSpec first, Object pageType, Function<? super P, String> next,
                                  Function<? super P, ? extends List<? extends T>> items, boolean emitPages, boolean prefetch) {
        return Flux.error(new UnsupportedOperationException("not yet"));
    }
}

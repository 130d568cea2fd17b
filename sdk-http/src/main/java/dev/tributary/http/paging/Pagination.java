package dev.tributary.http.paging;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tributary.http.RequestSpec;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A paged collection of a REST service, walked as a {@code Flux}: pages are fetched one at a time
 * and only when downstream demand needs them (or, with {@link #prefetchOnePage()}, one page ahead),
 * by following each page's link to the next one exactly as the service gave it. Immutable; each
 * subscription walks the pages anew, from the first request.
 * <p>
 * The walk stops after a page without a next link ({@code null} or blank), and after a page with no
 * items even if it has a next link (services that send a {@code next} on an empty last page). A
 * response with no body (204) ends the walk too. Cancel stops it: no page is fetched afterwards,
 * and the page in flight is released.
 *
 * <pre>{@code
 * record Page(List<Issue> values, String next) { }
 * Flux<Issue> issues = Pagination.of(client.get("/repositories/{ws}/{repo}/issues", ws, repo).query("pagelen", 50),
 *                 Page.class, Page::next, Page::values)
 *         .items();
 * }</pre>
 *
 * @param <P> the page type (decoded with the client's {@code ObjectMapper})
 * @param <T> the item type
 */
public final class Pagination<P, T> {

    private final RequestSpec first;
    private final Object pageType;
    private final Function<? super P, String> next;
    private final Function<? super P, ? extends List<? extends T>> items;
    private final boolean prefetch;

    private Pagination(RequestSpec first, Object pageType, Function<? super P, String> next,
                       Function<? super P, ? extends List<? extends T>> items, boolean prefetch) {
        this.first = first;
        this.pageType = pageType;
        this.next = next;
        this.items = items;
        this.prefetch = prefetch;
    }

    /**
     * @param first    the request of the first page (later pages reuse its method, headers and settings
     *                 with the next link as URL; see {@link RequestSpec#url(String)})
     * @param pageType the page type
     * @param next     the next page's link (absolute, or relative to the page's URL), {@code null} or
     *                 blank on the last page
     * @param items    the page's items, in order; {@code null} counts as none
     * @param <P>      the page type
     * @param <T>      the item type
     * @return the paged collection
     */
    public static <P, T> Pagination<P, T> of(RequestSpec first, Class<P> pageType, Function<? super P, String> next,
                                             Function<? super P, ? extends List<? extends T>> items) {
        return new Pagination<>(Objects.requireNonNull(first, "first"), Objects.requireNonNull(pageType, "pageType"),
                Objects.requireNonNull(next, "next"), Objects.requireNonNull(items, "items"), false);
    }

    /**
     * {@link #of(RequestSpec, Class, Function, Function)} for a generic page type.
     *
     * @param first    the request of the first page
     * @param pageType the page type, e.g. {@code new TypeReference<Page<Issue>>() { }}
     * @param next     the next page's link, {@code null} or blank on the last page
     * @param items    the page's items
     * @param <P>      the page type
     * @param <T>      the item type
     * @return the paged collection
     */
    public static <P, T> Pagination<P, T> of(RequestSpec first, TypeReference<P> pageType, Function<? super P, String> next,
                                             Function<? super P, ? extends List<? extends T>> items) {
        return new Pagination<>(Objects.requireNonNull(first, "first"), Objects.requireNonNull(pageType, "pageType"),
                Objects.requireNonNull(next, "next"), Objects.requireNonNull(items, "items"), false);
    }

    /**
     * @return the same collection, fetching the next page as soon as a page arrives (one page ahead at
     * most), so that a steady consumer does not wait for each page
     */
    public Pagination<P, T> prefetchOnePage() {
        return new Pagination<>(this.first, this.pageType, this.next, this.items, true);
    }

    /**
     * @return every item of every page, in order; onError {@link dev.tributary.http.HttpException} of a
     * page request (after its retries), or {@link IllegalArgumentException} for an invalid next link
     */
    public Flux<T> items() {
        return PageWalk.flux(this.first, this.pageType, this.next, this.items, false, this.prefetch);
    }

    /**
     * @return the pages themselves, in order (the walk stops on the same conditions as {@link #items()});
     * onError as {@link #items()}
     */
    public Flux<P> pages() {
        return PageWalk.flux(this.first, this.pageType, this.next, this.items, true, this.prefetch);
    }
}

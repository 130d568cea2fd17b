package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.tributary.http.RequestSpec;
import dev.tributary.http.paging.Pagination;
import reactor.core.publisher.Flux;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A Bitbucket collection with its listing options: a server-side filter ({@code q}, BBQL), a sort,
 * a partial response ({@code fields}), a page length and one-page prefetch. Immutable: each option
 * returns a new resource; {@link #list()} and {@link #pages()} are cold and walk the pages anew on
 * every subscription.
 * <p>
 * Paging follows each page's {@code next} link exactly as the service gave it (never rebuilt) and
 * fetches a page only when downstream demand needs it (one page ahead with
 * {@link #prefetchOnePage()}). The walk ends on a page without {@code next}, and on a page with no
 * {@code values} even when it has a {@code next}; a {@code size} larger than what the pages hold is
 * ignored. Items seen earlier in the same walk are dropped (Bitbucket pages drift when the
 * collection changes or is unsorted): issues and pull requests by id, commits by hash, pipelines
 * and steps by uuid, branches and tags by name, and so on; an item whose key was left out by
 * {@link #fields(String...)} is never dropped.
 * <p>
 * Filters are never applied on the client: what is listed is exactly what the server returned for
 * the {@code q} sent.
 *
 * @param <T> the item type
 * @param <R> the resource type itself (each option returns one)
 */
public abstract class PagedResource<T, R extends PagedResource<T, R>> {

    final BitbucketClient client;
    final ListOptions options;

    PagedResource(BitbucketClient client, ListOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The immutable listing options (package-private machinery). */
    record ListOptions(String q, String sort, List<String> fields, Integer pagelen, Boolean prefetch,
                       List<Map.Entry<String, String>> extra) {

        static final ListOptions NONE = new ListOptions(null, null, List.of(), null, null, List.of());

        ListOptions withQ(String value) {
            return new ListOptions(value, sort, fields, pagelen, prefetch, extra);
        }

        ListOptions withSort(String value) {
            return new ListOptions(q, value, fields, pagelen, prefetch, extra);
        }

        ListOptions withFields(List<String> value) {
            return new ListOptions(q, sort, List.copyOf(value), pagelen, prefetch, extra);
        }

        ListOptions withPagelen(Integer value) {
            return new ListOptions(q, sort, fields, value, prefetch, extra);
        }

        ListOptions withPrefetch(boolean value) {
            return new ListOptions(q, sort, fields, pagelen, value, extra);
        }

        ListOptions withExtra(List<Map.Entry<String, String>> value) {
            return new ListOptions(q, sort, fields, pagelen, prefetch, List.copyOf(value));
        }
    }

    /** @return a copy of this resource with other options */
    abstract R with(ListOptions options);

    /** @return the request of the first page, without the listing options */
    abstract RequestSpec firstPage();

    /** @return the item type */
    abstract Class<T> itemType();

    /** @return the key items are de-duplicated by within one walk ({@code null}: never dropped) */
    abstract Object keyOf(T item);

    /** @return the largest page length the endpoint accepts */
    int maxPagelen() {
        return 100;
    }

    /** @return the sort sent when the caller gave none, or {@code null} for the service's order */
    String defaultSort() {
        return null;
    }

    /**
     * Filters on the server with a BBQL query (replacing any earlier {@code filter} or {@code q}).
     *
     * @param filter the query, e.g. {@code Bbql.field("state").eq("open")}
     * @return a copy of this resource with that filter
     */
    public final R filter(Bbql filter) {
        return with(this.options.withQ(Objects.requireNonNull(filter, "filter").toString()));
    }

    /**
     * Filters on the server with a BBQL query written by hand, sent as given (replacing any earlier
     * {@code filter} or {@code q}).
     *
     * @param q the query text, e.g. {@code state = "open" AND priority >= "major"}; {@code null} removes the filter
     * @return a copy of this resource with that filter
     * @throws IllegalArgumentException when {@code q} is blank
     */
    public final R q(String q) {
        if (q != null && q.isBlank()) {
            throw new IllegalArgumentException("q must not be blank (pass null for no filter)");
        }
        return with(this.options.withQ(q));
    }

    /**
     * Sorts on the server, ascending ({@code sort=field}). Bitbucket sorts by one field only.
     *
     * @param field a field path such as {@code updated_on}; a leading {@code -} sorts descending
     * @return a copy of this resource sorted so
     * @throws IllegalArgumentException when the field path is invalid
     */
    public final R sort(String field) {
        Objects.requireNonNull(field, "field");
        String path = field.startsWith("-") ? field.substring(1) : field;
        Bbql.field(path);   // checks the path
        return with(this.options.withSort(field));
    }

    /**
     * Sorts on the server, descending ({@code sort=-field}).
     *
     * @param field a field path such as {@code updated_on}
     * @return a copy of this resource sorted so
     * @throws IllegalArgumentException when the field path is invalid
     */
    public final R sortDescending(String field) {
        Objects.requireNonNull(field, "field");
        Bbql.field(field);
        return with(this.options.withSort("-" + field));
    }

    /**
     * Sends no {@code sort}, not even the resource's default one (issues and pull requests are sorted
     * by {@code id} unless told otherwise), and takes the service's order. Bitbucket's unsorted
     * pages drift when the collection changes during a walk: items seen twice are dropped, but an
     * item that moved across a page boundary the other way is missed (a gap no client can detect).
     *
     * @return a copy of this resource without sorting
     */
    public final R unsorted() {
        return with(this.options.withSort(""));
    }

    /**
     * Asks for a partial response ({@code fields=a,b,c}; Bitbucket's "partial responses"): {@code -x}
     * removes a field, {@code +x} adds one to the defaults, a plain path keeps only the paths named
     * ({@code values.id,values.title}). A {@code +} is sent percent-encoded ({@code %2B}), as
     * Bitbucket requires. When plain {@code values.} paths are selected, {@code next} is added so
     * that paging still works.
     *
     * @param fields one or more field expressions; none removes the option
     * @return a copy of this resource with that selection
     * @throws IllegalArgumentException when an expression is blank or contains a comma
     */
    public final R fields(String... fields) {
        Objects.requireNonNull(fields, "fields");
        List<String> list = new ArrayList<>();
        for (String field : fields) {
            Objects.requireNonNull(field, "field");
            if (field.isBlank() || field.indexOf(',') >= 0) {
                throw new IllegalArgumentException("invalid fields expression '" + field
                        + "': one non-blank expression per argument, without commas");
            }
            list.add(field.strip());
        }
        return with(this.options.withFields(list));
    }

    /**
     * @param pagelen items per page; values above the endpoint's maximum (100; pull requests 50) are
     *                lowered to it
     * @return a copy of this resource with that page length
     * @throws IllegalArgumentException when {@code pagelen} is below 1
     */
    public final R pagelen(int pagelen) {
        if (pagelen < 1) {
            throw new IllegalArgumentException("pagelen must be at least 1, was " + pagelen);
        }
        return with(this.options.withPagelen(pagelen));
    }

    /**
     * @return a copy of this resource that fetches the next page as soon as a page arrives (one page
     * ahead at most), so that a steady consumer does not wait for each page
     */
    public final R prefetchOnePage() {
        return with(this.options.withPrefetch(true));
    }

    /**
     * @return every item of every page, in order, each once per walk; onError
     * {@link dev.tributary.http.HttpException} of a page request (after its retries:
     * {@link dev.tributary.http.HttpBadRequestException} for an invalid {@code q}, for example)
     */
    public final Flux<T> list() {
        return Flux.defer(() -> {
            Set<Object> seen = new HashSet<>();
            return pagination().items().filter(item -> {
                Object key = keyOf(item);
                return key == null || seen.add(key);
            });
        });
    }

    /**
     * @return the pages as the service sent them (not de-duplicated), in order; onError as {@link #list()}
     */
    public final Flux<Page<T>> pages() {
        return pagination().pages();
    }

    /** @return the first page's request with the listing options as query parameters */
    final RequestSpec firstPageWithOptions() {
        RequestSpec spec = firstPage();
        int pagelen = Math.min(this.options.pagelen() != null ? this.options.pagelen() : this.client.defaultPagelen(),
                maxPagelen());
        spec = spec.query("pagelen", pagelen);
        if (this.options.q() != null) {
            spec = spec.query("q", this.options.q());
        }
        String sort = this.options.sort() != null ? this.options.sort() : defaultSort();
        if (sort != null && !sort.isEmpty()) {
            spec = spec.query("sort", sort);
        }
        if (!this.options.fields().isEmpty()) {
            spec = spec.query("fields", String.join(",", fieldsWithNext(this.options.fields())));
        }
        for (Map.Entry<String, String> parameter : this.options.extra()) {
            spec = spec.query(parameter.getKey(), parameter.getValue());
        }
        return spec;
    }

    /** Adds {@code next} when a plain {@code values.} path is selected (which drops everything else). */
    static List<String> fieldsWithNext(List<String> fields) {
        boolean selectsValues = false;
        boolean hasNext = false;
        for (String field : fields) {
            if (field.startsWith("values.") || field.equals("values")) {
                selectsValues = true;
            }
            if (field.equals("next") || field.equals("+next")) {
                hasNext = true;
            }
        }
        if (!selectsValues || hasNext) {
            return fields;
        }
        List<String> withNext = new ArrayList<>(fields);
        withNext.add("next");
        return withNext;
    }

    private Pagination<Page<T>, T> pagination() {
        JavaType pageType = this.client.objectMapper().getTypeFactory().constructParametricType(Page.class, itemType());
        TypeReference<Page<T>> reference = new TypeReference<>() {
            @Override
            public Type getType() {
                return pageType;
            }
        };
        Pagination<Page<T>, T> pagination = Pagination.of(firstPageWithOptions(), reference, Page::next, Page::values);
        boolean prefetch = this.options.prefetch() != null ? this.options.prefetch() : this.client.prefetchOnePageByDefault();
        return prefetch ? pagination.prefetchOnePage() : pagination;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + '{' + firstPageWithOptions() + '}';
    }
}

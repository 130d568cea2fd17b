package dev.tributary.http.bitbucket;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * One page of a Bitbucket collection: the envelope {@code {size, page, pagelen, next, previous, values}}.
 * Only {@code values} and {@code next} are guaranteed; cursor-paged collections (commits) have
 * {@code next} and {@code pagelen} only; {@code size} may be larger than what the pages hold.
 *
 * @param size     the total number of items, when the service computes it, else {@code null}
 * @param page     the page number, for list-based collections, else {@code null}
 * @param pagelen  the page length the service used, or {@code null}
 * @param next     the link to the next page, {@code null} on the last page (followed exactly as given)
 * @param previous the link to the previous page, or {@code null}
 * @param values   the items of this page, in order, never {@code null} (empty when absent)
 * @param <T>      the item type
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Page<T>(Integer size, Integer page, Integer pagelen, String next, String previous, List<T> values) {

    /** Copies {@code values} (empty when absent). */
    public Page {
        values = values == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
}

package dev.tributary.emulator.bitbucket;

/**
 * Paging misbehaviours of Bitbucket Cloud that clients must tolerate, switched on per collection
 * with {@link BitbucketEmulator#pagingQuirks(String, PagingQuirk...)}.
 */
public enum PagingQuirk {

    /** {@code size} is larger than the number of values the pages hold, and the last page has no {@code next}. */
    SIZE_LARGER_THAN_VALUES,

    /** The last page with values still has a {@code next}, which answers a page with empty {@code values} and no {@code next}. */
    EMPTY_LAST_PAGE_WITH_NEXT,

    /**
     * Without {@code sort}, every page after the first starts one item early, as when an item is
     * inserted at the head of the listing between page requests: the last item of a page comes
     * again first on the next one (duplicates across pages).
     */
    UNSORTED_DUPLICATES,

    /**
     * Without {@code sort}, every page after the first starts one item late, as when an item is
     * removed from the head between page requests: one item per page boundary is never listed (gaps).
     */
    UNSORTED_GAPS
}

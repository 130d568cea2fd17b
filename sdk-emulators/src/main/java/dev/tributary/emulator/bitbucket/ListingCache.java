package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Remembers the last filtered and sorted listings, so that paging through 10,000 issues with a
 * {@code q} and a {@code sort} filters and sorts once instead of once per page. An entry is used
 * only while its input is the very same objects in the same order (documents are replaced, never
 * mutated, when they change; documents rendered per request, like pipelines, never hit).
 * Thread-safe; holds at most 16 listings.
 */
final class ListingCache {

    private record Entry(List<ObjectNode> input, List<ObjectNode> output) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > 16;
        }
    };

    /**
     * @param key     the collection path, {@code q} and {@code sort}
     * @param input   the collection's current objects
     * @param compute filters and sorts {@code input}
     * @return the cached or computed listing
     */
    List<ObjectNode> listing(String key, List<ObjectNode> input, Supplier<List<ObjectNode>> compute) {
        Entry e;
        synchronized (this) {
            e = this.entries.get(key);
        }
        if (e != null && same(e.input(), input)) {
            return e.output();
        }
        List<ObjectNode> output = List.copyOf(compute.get());
        synchronized (this) {
            this.entries.put(key, new Entry(input, output));
        }
        return output;
    }

    private static boolean same(List<ObjectNode> a, List<ObjectNode> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}

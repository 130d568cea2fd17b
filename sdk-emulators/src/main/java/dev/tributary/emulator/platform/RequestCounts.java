package dev.tributary.emulator.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * How many requests arrived, by method and raw path (without the query string), faulted ones
 * included. Thread-safe.
 */
final class RequestCounts {

    private record Key(String method, String path) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

    void record(String method, String path) {
        this.counts.computeIfAbsent(new Key(method, path), k -> new LongAdder()).increment();
    }

    long count(String method, Pattern path) {
        long total = 0;
        for (Map.Entry<Key, LongAdder> e : this.counts.entrySet()) {
            if ((method == null || method.equalsIgnoreCase(e.getKey().method())) && path.matcher(e.getKey().path()).matches()) {
                total += e.getValue().sum();
            }
        }
        return total;
    }

    void reset() {
        this.counts.clear();
    }
}

package dev.tributary.emulator.bitbucket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * What tests set and read: enqueued faults, the rolling-window rate limit, paging quirks, request
 * counters and the recorded queries. Thread-safe.
 */
final class TestControls {

    private record FaultEntry(String method, Pattern path, BitbucketFault fault, int[] remaining) {
    }

    private record CountKey(String method, String path) {
    }

    private final Clock clock;
    private final List<FaultEntry> faults = new ArrayList<>();
    private final Map<CountKey, LongAdder> counts = new ConcurrentHashMap<>();
    /** The most requests remembered; older ones are forgotten first. */
    static final int MAX_RECEIVED = 100_000;

    private final ArrayDeque<ReceivedQuery> received = new ArrayDeque<>();
    private final Map<String, List<PagingQuirk>> quirks = new LinkedHashMap<>();
    private final Map<String, Pattern> quirkPatterns = new LinkedHashMap<>();
    private final ArrayDeque<Instant> window = new ArrayDeque<>();
    private int limit;
    private Duration limitWindow;

    TestControls(Clock clock) {
        this.clock = clock;
    }

    synchronized void enqueueFault(String method, Pattern path, BitbucketFault fault, int times) {
        this.faults.add(new FaultEntry(method, path, fault, new int[] {times}));
    }

    /** @return the fault for this request (and one fewer of it), or {@code null} */
    synchronized BitbucketFault takeFault(String method, String path) {
        for (Iterator<FaultEntry> it = this.faults.iterator(); it.hasNext(); ) {
            FaultEntry e = it.next();
            if ((e.method() == null || e.method().equalsIgnoreCase(method)) && e.path().matcher(path).matches()) {
                if (--e.remaining()[0] <= 0) {
                    it.remove();
                }
                return e.fault();
            }
        }
        return null;
    }

    synchronized int pendingFaults() {
        int n = 0;
        for (FaultEntry e : this.faults) {
            n += e.remaining()[0];
        }
        return n;
    }

    synchronized void clearFaults() {
        this.faults.clear();
    }

    synchronized void rateLimit(int requests, Duration window) {
        this.limit = requests;
        this.limitWindow = window;
        this.window.clear();
    }

    synchronized void clearRateLimit() {
        this.limit = 0;
        this.limitWindow = null;
        this.window.clear();
    }

    /** @return whether this request is within the rate limit (and then counts it in the window) */
    synchronized boolean admit() {
        if (this.limit == 0) {
            return true;
        }
        Instant now = this.clock.instant();
        Instant oldest = now.minus(this.limitWindow);
        while (!this.window.isEmpty() && !this.window.peekFirst().isAfter(oldest)) {
            this.window.pollFirst();
        }
        if (this.window.size() >= this.limit) {
            return false;
        }
        this.window.addLast(now);
        return true;
    }

    synchronized void pagingQuirks(Pattern path, List<PagingQuirk> list) {
        if (list.isEmpty()) {
            this.quirks.remove(path.pattern());
            this.quirkPatterns.remove(path.pattern());
        } else {
            this.quirks.put(path.pattern(), List.copyOf(list));
            this.quirkPatterns.put(path.pattern(), path);
        }
    }

    /** @return the quirks switched on for a collection path (empty when none) */
    synchronized Set<PagingQuirk> quirks(String path) {
        Set<PagingQuirk> on = java.util.EnumSet.noneOf(PagingQuirk.class);
        for (Map.Entry<String, Pattern> e : this.quirkPatterns.entrySet()) {
            if (e.getValue().matcher(path).matches()) {
                on.addAll(this.quirks.get(e.getKey()));
            }
        }
        return on;
    }

    void record(String method, String path, Map<String, List<String>> params) {
        this.counts.computeIfAbsent(new CountKey(method, path), k -> new LongAdder()).increment();
        Map<String, List<String>> copy = new LinkedHashMap<>();
        params.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        ReceivedQuery q = new ReceivedQuery(method, path, Collections.unmodifiableMap(copy));
        synchronized (this) {
            if (this.received.size() == MAX_RECEIVED) {
                this.received.pollFirst();
            }
            this.received.addLast(q);
        }
    }

    long requestCount(String method, Pattern path) {
        long total = 0;
        for (Map.Entry<CountKey, LongAdder> e : this.counts.entrySet()) {
            if ((method == null || method.equalsIgnoreCase(e.getKey().method())) && path.matcher(e.getKey().path()).matches()) {
                total += e.getValue().sum();
            }
        }
        return total;
    }

    void resetRequestCounts() {
        this.counts.clear();
    }

    synchronized List<ReceivedQuery> receivedQueries(Pattern path) {
        List<ReceivedQuery> out = new ArrayList<>();
        for (ReceivedQuery q : this.received) {
            if (path == null || path.matcher(q.path()).matches()) {
                out.add(q);
            }
        }
        return Collections.unmodifiableList(out);
    }

    synchronized void clearReceivedQueries() {
        this.received.clear();
    }
}

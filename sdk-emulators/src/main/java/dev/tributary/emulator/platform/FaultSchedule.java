package dev.tributary.emulator.platform;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Faults waiting for requests: each entry answers the next {@code remaining} requests whose method
 * and raw path match, in the order the entries were enqueued. Thread-safe.
 */
final class FaultSchedule {

    private static final class Entry {

        private final String method;
        private final Pattern path;
        private final Fault fault;
        private int remaining;

        Entry(String method, Pattern path, Fault fault, int remaining) {
            this.method = method;
            this.path = path;
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void enqueue(String method, Pattern path, Fault fault, int times) {
        this.entries.add(new Entry(method, path, fault, times));
    }

    /** @return the fault for this request (and one fewer of it), or {@code null} */
    synchronized Fault take(String method, String path) {
        for (Iterator<Entry> it = this.entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if ((e.method == null || e.method.equalsIgnoreCase(method)) && e.path.matcher(path).matches()) {
                if (--e.remaining <= 0) {
                    it.remove();
                }
                return e.fault;
            }
        }
        return null;
    }

    synchronized int pending() {
        int n = 0;
        for (Entry e : this.entries) {
            n += e.remaining;
        }
        return n;
    }

    synchronized void clear() {
        this.entries.clear();
    }
}

package dev.tributary.r2dbc.copy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a JSON source, in the order their keys first appear. Open while types are
 * inferred; once frozen, a key not seen before is an error (its column would not be in the
 * {@code COPY} statement).
 */
final class SourceColumns {

    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private String frozenBecause;

    /**
     * @param name a key
     * @return its column index; -1 if it is new and the columns are frozen
     */
    int indexOf(String name) {
        Integer i = this.index.get(name);
        if (i != null) {
            return i;
        }
        if (this.frozenBecause != null) {
            return -1;
        }
        this.names.add(name);
        this.index.put(name, this.names.size() - 1);
        return this.names.size() - 1;
    }

    int size() {
        return this.names.size();
    }

    List<String> names() {
        return List.copyOf(this.names);
    }

    /**
     * @param because why new keys are refused from now on (completes "the key first appears ...")
     */
    void freeze(String because) {
        this.frozenBecause = because;
    }

    /** @return why new keys are refused, {@code null} while open */
    String frozenBecause() {
        return this.frozenBecause;
    }
}

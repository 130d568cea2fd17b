package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dotted paths over JSON objects: resolution for BBQL and sorting, and the {@code fields}
 * partial-response selection ("Partial responses" in the API's narrative).
 */
final class JsonPaths {

    private JsonPaths() {
    }

    /**
     * Collects the values at a dotted path; a list on the way fans out to every element. A path
     * that ends nowhere adds a {@link MissingNode}.
     */
    static void resolve(JsonNode node, String path, List<JsonNode> out) {
        resolve(node, path.split("\\."), 0, out);
    }

    /** As {@link #resolve(JsonNode, String, List)}, with the path already split at its dots. */
    static void resolve(JsonNode node, String[] segments, List<JsonNode> out) {
        resolve(node, segments, 0, out);
    }

    private static void resolve(JsonNode node, String[] segments, int i, List<JsonNode> out) {
        if (node.isArray()) {
            if (node.isEmpty()) {
                out.add(MissingNode.getInstance());
            }
            for (JsonNode element : node) {
                resolve(element, segments, i, out);
            }
            return;
        }
        if (i == segments.length) {
            out.add(node);
            return;
        }
        if (!node.isObject()) {
            out.add(MissingNode.getInstance());
            return;
        }
        JsonNode child = node.get(segments[i]);
        if (child == null) {
            out.add(MissingNode.getInstance());
            return;
        }
        resolve(child, segments, i + 1, out);
    }

    /**
     * @param sort   {@code path} or {@code -path}
     * @param fields the top-level field names the path must start with, or {@code null} for any
     * @return the order of objects by that path: missing and null values first (ascending), then
     *         numbers by value, strings alphabetically (datetimes as written sort chronologically),
     *         booleans false first; {@code -} reverses it
     * @throws BbqlException for an empty or unknown path
     */
    static Comparator<JsonNode> comparator(String sort, Set<String> fields) {
        boolean descending = sort.startsWith("-");
        String path = descending ? sort.substring(1) : sort;
        if (path.isEmpty() || !path.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
            throw new BbqlException("Invalid sort field: '" + sort + "'", 0);
        }
        if (fields != null && !fields.contains(path.split("\\.", 2)[0])) {
            throw new BbqlException("Invalid sort field: '" + path + "' is not a field of these objects", descending ? 1 : 0);
        }
        String[] segments = path.split("\\.");
        Comparator<JsonNode> ascending = (a, b) -> compareValues(first(a, segments), first(b, segments), path);
        return descending ? ascending.reversed() : ascending;
    }

    /**
     * Sorts like {@link #comparator}, resolving each object's sort key once (stable: equal keys keep
     * their order).
     *
     * @return a new sorted list
     * @throws BbqlException for an empty or unknown path
     */
    static <T extends JsonNode> List<T> sorted(List<T> items, String sort, Set<String> fields) {
        comparator(sort, fields); // validates
        boolean descending = sort.startsWith("-");
        String path = descending ? sort.substring(1) : sort;
        String[] segments = path.split("\\.");
        List<Map.Entry<JsonNode, T>> keyed = new ArrayList<>(items.size());
        for (T item : items) {
            keyed.add(Map.entry(first(item, segments), item));
        }
        Comparator<Map.Entry<JsonNode, T>> byKey = (a, b) -> compareValues(a.getKey(), b.getKey(), path);
        keyed.sort(descending ? byKey.reversed() : byKey);
        List<T> out = new ArrayList<>(items.size());
        keyed.forEach(e -> out.add(e.getValue()));
        return out;
    }

    private static JsonNode first(JsonNode node, String[] segments) {
        List<JsonNode> out = new ArrayList<>(1);
        resolve(node, segments, 0, out);
        return out.isEmpty() ? MissingNode.getInstance() : out.get(0);
    }

    private static int compareValues(JsonNode a, JsonNode b, String path) {
        boolean an = a.isNull() || a.isMissingNode() || a.isContainerNode();
        boolean bn = b.isNull() || b.isMissingNode() || b.isContainerNode();
        if (an || bn) {
            return Boolean.compare(!an, !bn);
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        if (a.isBoolean() && b.isBoolean()) {
            return Boolean.compare(a.booleanValue(), b.booleanValue());
        }
        if (path.endsWith("priority")) {
            int ra = IssueSeed.PRIORITIES.indexOf(a.asText());
            int rb = IssueSeed.PRIORITIES.indexOf(b.asText());
            if (ra >= 0 && rb >= 0) {
                return Integer.compare(ra, rb);
            }
        }
        return a.asText().compareTo(b.asText());
    }

    // ------------------------------------------------------------------ partial responses

    /**
     * Applies a {@code fields} parameter to a whole response body (an object or a page envelope).
     * Without a plain (unprefixed) selector the body keeps every field; with one, it starts empty.
     * Then, in order: a plain or {@code +} selector copies that path from the full body, a
     * {@code -} selector removes it; {@code *} stands for every field at its level. Hidden paths
     * (fields a collection leaves out, like a pull request list's {@code reviewers}) are removed
     * first unless a selector names them.
     *
     * @param full   the full body, not changed
     * @param fields the parameter, or {@code null}
     * @param hidden dotted paths left out unless asked for
     * @return the body to send
     * @throws BbqlException for an empty selector
     */
    static ObjectNode select(ObjectNode full, String fields, List<String> hidden) {
        List<String> selectors = new ArrayList<>();
        if (fields != null) {
            int position = 0;
            for (String raw : fields.split(",", -1)) {
                String s = raw; // not trimmed: an unencoded '+' arrives as a space and, as on Bitbucket, then names no field
                String bare = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
                if (bare.isEmpty() || bare.startsWith(".") || bare.endsWith(".") || bare.contains("..")) {
                    throw new BbqlException("Invalid fields parameter: empty or malformed field '" + raw + "' at position " + position, position);
                }
                selectors.add(s);
                position += raw.length() + 1;
            }
        }
        ObjectNode source = full;
        if (!hidden.isEmpty()) {
            source = full.deepCopy();
            for (String h : hidden) {
                boolean named = false;
                for (String s : selectors) {
                    String bare = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
                    if (!s.startsWith("-") && (bare.equals(h) || bare.startsWith(h + ".") || bare.equals("*") || bare.equals("values.*"))) {
                        named = true;
                    }
                }
                if (!named) {
                    remove(source, h.split("\\."), 0);
                }
            }
        }
        if (selectors.isEmpty()) {
            return source;
        }
        boolean plain = selectors.stream().anyMatch(s -> !s.startsWith("+") && !s.startsWith("-"));
        ObjectNode result = plain ? JsonNodeFactory.instance.objectNode() : source.deepCopy();
        for (String s : selectors) {
            if (s.startsWith("-")) {
                remove(result, s.substring(1).split("\\."), 0);
            } else {
                copy(source, result, (s.startsWith("+") ? s.substring(1) : s).split("\\."), 0);
            }
        }
        return result;
    }

    private static void remove(JsonNode node, String[] segments, int i) {
        if (node.isArray()) {
            for (JsonNode element : node) {
                remove(element, segments, i);
            }
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        String name = segments[i];
        boolean last = i == segments.length - 1;
        if (name.equals("*")) {
            if (last) {
                object.removeAll();
            } else {
                for (Iterator<JsonNode> it = object.elements(); it.hasNext(); ) {
                    remove(it.next(), segments, i + 1);
                }
            }
            return;
        }
        if (last) {
            object.remove(name);
        } else if (object.get(name) != null) {
            remove(object.get(name), segments, i + 1);
        }
    }

    /** Copies the path's values from {@code from} into {@code to}, creating the objects and lists on the way. */
    private static void copy(JsonNode from, JsonNode to, String[] segments, int i) {
        if (from.isArray() && to.isArray()) {
            ArrayNode target = (ArrayNode) to;
            for (int k = 0; k < from.size(); k++) {
                JsonNode element = from.get(k);
                while (target.size() <= k) {
                    target.add(element.isObject() ? JsonNodeFactory.instance.objectNode() : element.deepCopy());
                }
                if (element.isContainerNode()) {
                    copy(element, target.get(k), segments, i);
                }
            }
            return;
        }
        if (!(from instanceof ObjectNode source) || !(to instanceof ObjectNode target) || i >= segments.length) {
            return;
        }
        String name = segments[i];
        boolean last = i == segments.length - 1;
        if (name.equals("*")) {
            for (Map.Entry<String, JsonNode> e : source.properties()) {
                if (last) {
                    target.set(e.getKey(), e.getValue().deepCopy());
                } else {
                    copyChild(source, target, e.getKey(), segments, i);
                }
            }
            return;
        }
        JsonNode child = source.get(name);
        if (child == null) {
            return;
        }
        if (last) {
            target.set(name, child.deepCopy());
        } else {
            copyChild(source, target, name, segments, i);
        }
    }

    private static void copyChild(ObjectNode source, ObjectNode target, String name, String[] segments, int i) {
        JsonNode child = source.get(name);
        if (!child.isContainerNode()) {
            return;
        }
        JsonNode existing = target.get(name);
        if (existing == null || !existing.isContainerNode()) {
            existing = child.isArray() ? target.putArray(name) : target.putObject(name);
        }
        copy(child, existing, segments, i + 1);
    }
}

package dev.tributary.examples.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a value as the driver returns it into one Jackson writes as plain JSON: numbers and
 * booleans stay JSON numbers and booleans, dates and times become ISO 8601 strings, arrays become
 * JSON arrays, binary becomes base64, lists and maps (JSON the platform's query endpoint sent,
 * decoded) stay JSON arrays and objects, and any other type its {@code toString()}.
 */
final class JsonValues {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonValues() {
    }

    /**
     * @param object a JSON object as decoded (a map)
     * @return its compact JSON text, for a CSV field or a table cell
     */
    static String text(Map<?, ?> object) {
        try {
            return MAPPER.writeValueAsString(of(object));
        } catch (JsonProcessingException e) {
            return object.toString();
        }
    }

    static Object of(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof Byte || value instanceof BigInteger) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? value : value.toString(); // JSON has no NaN or Infinity
        }
        if (value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof TemporalAccessor) {
            return value.toString(); // java.time types print ISO 8601
        }
        if (value instanceof byte[]) {
            return Base64.getEncoder().encodeToString((byte[]) value);
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer copy = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Object[]) {
            List<Object> list = new ArrayList<>();
            for (Object element : (Object[]) value) {
                list.add(of(element));
            }
            return list;
        }
        if (value instanceof List) {
            List<Object> list = new ArrayList<>();
            for (Object element : (List<?>) value) {
                list.add(of(element));
            }
            return list;
        }
        if (value instanceof Map) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                object.put(String.valueOf(entry.getKey()), of(entry.getValue()));
            }
            return object;
        }
        if (value.getClass().isArray()) { // primitive arrays (int[], ...)
            return of(boxed(value));
        }
        return value.toString();
    }

    private static Object[] boxed(Object primitiveArray) {
        int length = java.lang.reflect.Array.getLength(primitiveArray);
        Object[] boxed = new Object[length];
        for (int i = 0; i < length; i++) {
            boxed[i] = java.lang.reflect.Array.get(primitiveArray, i);
        }
        return boxed;
    }
}

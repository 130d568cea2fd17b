package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonArrayDecoderTest {

    private static final ObjectMapper MAPPER = HttpServiceClient.defaultObjectMapper();

    private static final String QUERY_RESULT = "{\"query_string\": \"SELECT name, pop FROM cities\","
            + " \"metadata\": {\"name\": \"text\", \"pop\": \"integer\"},"
            + " \"data\": [[\"Vila\", 1200], [\"El Tarter\", null], [\"Sant Julià de Lòria\", 9600.5]],"
            + " \"trailer\": {\"ignored\": [1, 2]}}";

    /** Feeds {@code json} in chunks of {@code size} bytes; returns everything emitted. */
    private static List<Object> decode(JsonArrayDecoder decoder, String json, int size) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        List<Object> out = new ArrayList<>();
        try {
            for (int i = 0; i < bytes.length; i += size) {
                ByteBuf chunk = Unpooled.wrappedBuffer(bytes, i, Math.min(size, bytes.length - i));
                out.addAll(decoder.feed(chunk));
            }
            out.addAll(decoder.end());
        } finally {
            decoder.close();
        }
        return out;
    }

    private static JsonArrayDecoder decoder(String pointer, Class<?> type, boolean head) {
        return new JsonArrayDecoder(MAPPER, pointer, MAPPER.constructType(type), head);
    }

    @Test
    void decodesTheArrayAtAPointerWhateverTheChunkBoundaries() {
        for (int size : new int[]{1, 2, 3, 7, 16, 64, 10_000}) {
            List<Object> rows = decode(decoder("/data", List.class, false), QUERY_RESULT, size);
            assertThat(rows).as("chunks of %d bytes", size).containsExactly(
                    List.of("Vila", 1200), java.util.Arrays.asList("El Tarter", null), List.of("Sant Julià de Lòria", 9600.5));
        }
    }

    @Test
    void capturesTheFieldsBeforeTheArrayAsTheHead() {
        for (int size : new int[]{1, 5, 10_000}) {
            List<Object> out = decode(decoder("/data", JsonNode.class, true), QUERY_RESULT, size);
            assertThat(out).hasSize(4);
            JsonNode head = ((JsonArrayDecoder.Head) out.get(0)).node;
            assertThat(head.get("query_string").asText()).isEqualTo("SELECT name, pop FROM cities");
            assertThat(head.get("metadata").get("pop").asText()).isEqualTo("integer");
            assertThat(head.has("data")).isFalse();
            assertThat(head.has("trailer")).isFalse();
            assertThat(((JsonNode) out.get(1)).get(0).asText()).isEqualTo("Vila");
        }
    }

    @Test
    void theHeadOfANestedArrayKeepsEveryLevel() {
        String json = "{\"a\": 1, \"page\": {\"size\": 2, \"items\": [{\"id\": 1}, {\"id\": 2}], \"after\": 3}}";
        List<Object> out = decode(decoder("/page/items", Map.class, true), json, 3);
        JsonNode head = ((JsonArrayDecoder.Head) out.get(0)).node;
        assertThat(head.toString()).isEqualTo("{\"a\":1,\"page\":{\"size\":2}}");
        assertThat(out.subList(1, 3)).containsExactly(Map.of("id", 1), Map.of("id", 2));
    }

    @Test
    void decodesARootArrayWithAMissingHead() {
        List<Object> out = decode(decoder("", Map.class, true), "[{\"id\": 1}, {\"id\": 2, \"tags\": [\"a\", {\"b\": []}]}]", 4);
        assertThat(((JsonArrayDecoder.Head) out.get(0)).node.isMissingNode()).isTrue();
        assertThat(out.subList(1, 3)).containsExactly(Map.of("id", 1), Map.of("id", 2, "tags", List.of("a", Map.of("b", List.of()))));
    }

    @Test
    void decodesScalarsAndAnEmptyArray() {
        assertThat(decode(decoder("/n", Long.class, false), "{\"n\": [1, 2, 3]}", 1)).containsExactly(1L, 2L, 3L);
        assertThat(decode(decoder("/n", Long.class, false), "{\"n\": []}", 1)).isEmpty();
    }

    @Test
    void failsClearlyWhenThereIsNoArrayAtThePointer() {
        assertThatThrownBy(() -> decode(decoder("/data", List.class, false), "{\"metadata\": {}}", 5))
                .isInstanceOf(JsonArrayDecoder.DecodingFailure.class).hasMessage("no array at JSON pointer \"/data\"");
        assertThatThrownBy(() -> decode(decoder("/data", List.class, false), "{\"data\": {\"x\": 1}}", 5))
                .isInstanceOf(JsonArrayDecoder.DecodingFailure.class)
                .hasMessage("the value at JSON pointer \"/data\" is an object, not an array");
        assertThatThrownBy(() -> decode(decoder("/data", List.class, false), "{\"data\": null}", 5))
                .hasMessage("the value at JSON pointer \"/data\" is null, not an array");
        assertThatThrownBy(() -> decode(decoder("/data", List.class, false), "", 5))
                .hasMessage("no array at JSON pointer \"/data\"");
    }

    @Test
    void failsOnMalformedOrTruncatedBodiesAndUndecodableElements() {
        assertThatThrownBy(() -> decode(decoder("/data", List.class, false), "{\"data\": [[1], [2}", 3))
                .isInstanceOf(JsonArrayDecoder.DecodingFailure.class).hasMessageStartingWith("malformed JSON (near element 1)");
        assertThatThrownBy(() -> decode(decoder("/data", List.class, false), "{\"data\": [[1], [2]", 3))
                .isInstanceOf(JsonArrayDecoder.DecodingFailure.class);
        assertThatThrownBy(() -> decode(decoder("/data", Long.class, false), "{\"data\": [1, \"x\"]}", 3))
                .hasMessageStartingWith("element 1 of the array at \"/data\" does not decode");
        assertThatThrownBy(() -> decode(decoder("/data", Long.class, false), "{\"data\": [1, null]}", 3))
                .hasMessage("element 1 of the array at \"/data\" is null");
    }

    @Test
    void emitsEachElementAsSoonAsItsLastByteArrives() {
        JsonArrayDecoder decoder = decoder("", Long.class, false);
        try {
            assertThat(decoder.feed(Unpooled.copiedBuffer("[10, 2", StandardCharsets.UTF_8))).containsExactly(10L);
            assertThat(decoder.feed(Unpooled.copiedBuffer("0,", StandardCharsets.UTF_8))).containsExactly(20L);
            assertThat(decoder.feed(Unpooled.copiedBuffer(" 30]", StandardCharsets.UTF_8))).containsExactly(30L);
            assertThat(decoder.end()).isEmpty();
            assertThat(decoder.count()).isEqualTo(3);
        } finally {
            decoder.close();
        }
    }
}

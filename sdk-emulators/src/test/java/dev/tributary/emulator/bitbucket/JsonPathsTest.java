package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPathsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode page() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"size": 2, "page": 1, "pagelen": 10, "next": "http://x/2.0/r?page=2",
                 "values": [
                   {"id": 1, "title": "a", "content": {"raw": "x", "html": "<p>x</p>"}, "links": {"self": {"href": "s1"}, "html": {"href": "h1"}},
                    "reviewers": [{"nickname": "n1", "uuid": "u1"}]},
                   {"id": 2, "title": "b", "content": {"raw": "y", "html": "<p>y</p>"}, "links": {"self": {"href": "s2"}, "html": {"href": "h2"}},
                    "reviewers": []}]}
                """);
    }

    @Test
    void selectsOnlyTheNamedFieldsAndDropsTheRestOfTheEnvelope() throws Exception {
        ObjectNode out = JsonPaths.select(page(), "values.id,values.content.raw", List.of());
        assertThat(out.toString()).isEqualTo("{\"values\":[{\"id\":1,\"content\":{\"raw\":\"x\"}},{\"id\":2,\"content\":{\"raw\":\"y\"}}]}");
        ObjectNode withNext = JsonPaths.select(page(), "next,page,values.id", List.of());
        assertThat(withNext.toString()).isEqualTo("{\"next\":\"http://x/2.0/r?page=2\",\"page\":1,\"values\":[{\"id\":1},{\"id\":2}]}");
    }

    @Test
    void removesFieldsAndWildcardsKeepingEverythingElse() throws Exception {
        ObjectNode out = JsonPaths.select(page(), "-values.content,-values.links.*", List.of());
        assertThat(out.get("next").asText()).isEqualTo("http://x/2.0/r?page=2");
        assertThat(out.at("/values/0").toString()).isEqualTo("{\"id\":1,\"title\":\"a\",\"links\":{},\"reviewers\":[{\"nickname\":\"n1\",\"uuid\":\"u1\"}]}");
        ObjectNode root = JsonPaths.select(page(), "-*,+size,+values.title", List.of());
        assertThat(root.toString()).isEqualTo("{\"size\":2,\"values\":[{\"title\":\"a\"},{\"title\":\"b\"}]}");
        assertThat(JsonPaths.select(page(), "values.*", List.of()).get("values").get(1).get("title").asText()).isEqualTo("b");
    }

    @Test
    void leavesHiddenFieldsOutUnlessAskedFor() throws Exception {
        List<String> hidden = List.of("values.reviewers");
        assertThat(JsonPaths.select(page(), null, hidden).at("/values/0").has("reviewers")).isFalse();
        assertThat(JsonPaths.select(page(), "+values.reviewers.nickname", hidden).at("/values/0/reviewers/0").toString())
                .isEqualTo("{\"nickname\":\"n1\",\"uuid\":\"u1\"}");
        assertThat(JsonPaths.select(page(), "*", hidden).at("/values/0").has("reviewers")).isTrue();
    }

    @Test
    void treatsAnUnencodedPlusAsASpaceThatNamesNoField() throws Exception {
        assertThat(JsonPaths.select(page(), " values.id", List.of()).toString()).isEqualTo("{}");
        assertThatThrownBy(() -> JsonPaths.select(page(), "values.id,,title", List.of())).isInstanceOf(BbqlException.class)
                .hasMessageContaining("position 10");
    }

    @Test
    void sortsByDottedPathsAscendingAndDescendingWithNullsFirst() throws Exception {
        List<JsonNode> items = new ArrayList<>();
        for (String s : List.of("{\"id\":1,\"m\":{\"name\":\"b\"},\"priority\":\"major\"}", "{\"id\":2,\"m\":null,\"priority\":\"blocker\"}",
                "{\"id\":3,\"m\":{\"name\":\"a\"},\"priority\":\"trivial\"}")) {
            items.add(JSON.readTree(s));
        }
        items.sort(JsonPaths.comparator("m.name", Set.of("id", "m", "priority")));
        assertThat(items).extracting(n -> n.get("id").asInt()).containsExactly(2, 3, 1);
        items.sort(JsonPaths.comparator("-m.name", null));
        assertThat(items).extracting(n -> n.get("id").asInt()).containsExactly(1, 3, 2);
        items.sort(JsonPaths.comparator("-priority", null));
        assertThat(items).extracting(n -> n.get("id").asInt()).containsExactly(2, 1, 3);
        assertThatThrownBy(() -> JsonPaths.comparator("colour", Set.of("id"))).isInstanceOf(BbqlException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> JsonPaths.comparator("-", null)).isInstanceOf(BbqlException.class);
    }
}

package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BbqlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode issue() throws Exception {
        return JSON.readTree("""
                {"id": 42, "title": "Unicode \\"quotes\\" break the parser", "state": "on hold", "priority": "critical", "votes": 3,
                 "is_spam": false, "assignee": null, "reporter": {"display_name": "Erik van Zijst", "nickname": "evzijst"},
                 "milestone": {"name": "v1.0"}, "created_on": "2015-11-11T10:00:00.000000+00:00",
                 "reviewers": [{"nickname": "abhin"}, {"nickname": "dtao"}], "content": {"raw": "The UNICODE path"}}
                """);
    }

    private static boolean eval(String q) throws Exception {
        return Bbql.parse(q, null).matches(issue());
    }

    @Test
    void evaluatesTheNarrativesOperatorsAgainstAnObject() throws Exception {
        assertThat(eval("id = 42")).isTrue();
        assertThat(eval("id != 42")).isFalse();
        assertThat(eval("id < 1234 AND id >= 42 and id <= 42.0 AND id > 41")).isTrue();
        assertThat(eval("title ~ \"UNICODE\"")).isTrue();
        assertThat(eval("title !~ \"unicode\"")).isFalse();
        assertThat(eval("state IN (\"new\", \"on hold\")")).isTrue();
        assertThat(eval("state NOT IN (\"new\", \"on hold\")")).isFalse();
        assertThat(eval("state not in (\"new\")")).isTrue();
        assertThat(eval("assignee = null AND reporter != null")).isTrue();
        assertThat(eval("is_spam = false OR is_spam = true")).isTrue();
        assertThat(eval("reporter.nickname = \"evzijst\" AND milestone.name = \"v1.0\"")).isTrue();
        assertThat(eval("priority >= \"major\" AND priority < \"blocker\"")).as("priorities compare by severity").isTrue();
    }

    @Test
    void groupsWithParenthesesAndGivesAndPrecedenceOverOr() throws Exception {
        assertThat(eval("id = 1 OR id = 42 AND votes = 3")).isTrue();
        assertThat(eval("(id = 1 OR id = 42) AND votes = 4")).isFalse();
        assertThat(eval("id = 1 OR (id = 42 AND votes = 4)")).isFalse();
        assertThat(eval("((state = \"open\" OR state = \"on hold\")) AND (title ~ \"unicode\" OR content.raw ~ \"unicode\")")).isTrue();
    }

    @Test
    void comparesUnquotedDatesAndDatetimesWithOffsets() throws Exception {
        assertThat(eval("created_on > 2015-11-11T03:00:01-07:00")).isFalse();
        assertThat(eval("created_on > 2015-11-11T02:59:59-07:00")).isTrue();
        assertThat(eval("created_on >= 2015-11-11 AND created_on < 2015-11-12")).isTrue();
        assertThat(eval("created_on = 2015-11-11T10:00:00")).as("no offset means UTC").isTrue();
        assertThat(eval("created_on <= 2015-11-11T10:00:00.000Z")).isTrue();
    }

    @Test
    void unescapesBackslashesInQuotedStrings() throws Exception {
        assertThat(eval("title = \"Unicode \\\"quotes\\\" break the parser\"")).isTrue();
        JsonNode path = JSON.readTree("{\"name\": \"C:\\\\dir\\\\\\\"x\\\"\"}");
        assertThat(Bbql.parse("name = \"C:\\\\dir\\\\\\\"x\\\"\"", null).matches(path)).isTrue();
        assertThat(Bbql.parse("name ~ \"\\u0043:\"", null).matches(path)).isTrue();
    }

    @Test
    void matchesAPathThroughAListWhenAnyElementMatches() throws Exception {
        assertThat(eval("reviewers.nickname = \"dtao\"")).isTrue();
        assertThat(eval("reviewers.nickname != \"dtao\"")).isFalse();
        assertThat(eval("reviewers.nickname = \"csomme\"")).isFalse();
    }

    @Test
    void rejectsInvalidQueriesNamingThePosition() {
        assertThatThrownBy(() -> Bbql.parse("state = ", null)).isInstanceOf(BbqlException.class)
                .hasMessageContaining("position 8").hasMessageContaining("expected a value");
        assertThatThrownBy(() -> Bbql.parse("state = open", null)).hasMessageContaining("position 8").hasMessageContaining("double-quoted");
        assertThatThrownBy(() -> Bbql.parse("(state = \"open\"", null)).hasMessageContaining("position 15").hasMessageContaining("')'");
        assertThatThrownBy(() -> Bbql.parse("title = \"unterminated", null)).hasMessageContaining("unterminated string at position 8");
        assertThatThrownBy(() -> Bbql.parse("state IN \"a\"", null)).hasMessageContaining("position 9");
        assertThatThrownBy(() -> Bbql.parse("state = \"a\" state = \"b\"", null)).hasMessageContaining("position 12");
        assertThatThrownBy(() -> Bbql.parse("id ! 3", null)).hasMessageContaining("position 3");
        assertThatThrownBy(() -> Bbql.parse("id = 2015-13", null)).hasMessageContaining("position 5");
        assertThatThrownBy(() -> Bbql.parse("title ~ 3", null)).hasMessageContaining("needs a quoted string");
        assertThatThrownBy(() -> Bbql.parse("", null)).hasMessageContaining("empty query");
        assertThatThrownBy(() -> Bbql.parse("colour = \"red\"", Set.of("id", "state"))).hasMessageContaining("unknown field 'colour'")
                .hasMessageContaining("position 0");
        assertThat(((BbqlException) catchThrowable(() -> Bbql.parse("id = 1 AND", null))).position()).isEqualTo(10);
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}

package dev.tributary.http.bitbucket;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static dev.tributary.http.bitbucket.Bbql.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BbqlTest {

    @Test
    void rendersEveryComparisonOperator() {
        assertThat(field("state").eq("open")).hasToString("state = \"open\"");
        assertThat(field("is_private").ne(true)).hasToString("is_private != true");
        assertThat(field("description").contains("beef")).hasToString("description ~ \"beef\"");
        assertThat(field("description").notContains("fubar")).hasToString("description !~ \"fubar\"");
        assertThat(field("priority").gt("major")).hasToString("priority > \"major\"");
        assertThat(field("priority").ge("major")).hasToString("priority >= \"major\"");
        assertThat(field("id").lt(1234)).hasToString("id < 1234");
        assertThat(field("updated_on").le(LocalDate.of(2015, 3, 4))).hasToString("updated_on <= 2015-03-04");
        assertThat(field("state").in("OPEN", "MERGED")).hasToString("state IN (\"OPEN\", \"MERGED\")");
        assertThat(field("state").notIn(List.of("DECLINED", "MERGED"))).hasToString("state NOT IN (\"DECLINED\", \"MERGED\")");
        assertThat(field("assignee").isNull()).hasToString("assignee = null");
        assertThat(field("assignee").isNotNull()).hasToString("assignee != null");
        assertThat(field("milestone").eq(null)).hasToString("milestone = null");
    }

    @Test
    void rendersTheNarrativesExampleWithParentheses() {
        Bbql q = field("state").eq("open").or(field("state").eq("new"))
                .and(field("assignee").isNull());
        assertThat(q).hasToString("(state = \"open\" OR state = \"new\") AND assignee = null");
    }

    @Test
    void parenthesisesAndInsideOrAndFlattensSameOperators() {
        Bbql a = field("a").eq(1);
        Bbql b = field("b").eq(2);
        Bbql c = field("c").eq(3);
        Bbql d = field("d").eq(4);
        assertThat(a.and(b).or(c.and(d))).hasToString("(a = 1 AND b = 2) OR (c = 3 AND d = 4)");
        assertThat(a.and(b.and(c))).hasToString("a = 1 AND b = 2 AND c = 3");
        assertThat(a.or(b).or(c)).hasToString("a = 1 OR b = 2 OR c = 3");
        assertThat(a.and(b.or(c)).and(d)).hasToString("a = 1 AND (b = 2 OR c = 3) AND d = 4");
        assertThat(Bbql.anyOf(a, b, c)).hasToString("a = 1 OR b = 2 OR c = 3");
        assertThat(Bbql.allOf(a)).hasToString("a = 1");
        assertThat(Bbql.raw("x = 1 OR y = 2").and(a)).hasToString("(x = 1 OR y = 2) AND a = 1");
    }

    @Test
    void escapesQuotesAndBackslashesInStrings() {
        assertThat(field("title").eq("say \"hi\"")).hasToString("title = \"say \\\"hi\\\"\"");
        assertThat(field("title").contains("C:\\temp")).hasToString("title ~ \"C:\\\\temp\"");
        assertThat(field("title").eq("a\nb\tc")).hasToString("title = \"a\\nb\\tc\"");
        assertThat(field("title").eq("\" OR 1 = 1 OR title = \"")).hasToString("title = \"\\\" OR 1 = 1 OR title = \\\"\"");
        assertThat(field("title").eq("unicode ✓ é")).hasToString("title = \"unicode ✓ é\"");
    }

    @Test
    void rendersNumbersBooleansEnumsAndDatesUnquoted() {
        assertThat(field("votes").ge(-10.302)).hasToString("votes >= -10.302");
        assertThat(field("votes").ge(new BigDecimal("1E+3"))).hasToString("votes >= 1000");
        assertThat(field("size").gt(5_000_000_000L)).hasToString("size > 5000000000");
        assertThat(field("is_private").eq(false)).hasToString("is_private = false");
        assertThat(field("state").eq(PullRequestState.MERGED)).hasToString("state = \"MERGED\"");
        assertThat(field("created_on").gt(OffsetDateTime.of(2015, 10, 4, 14, 0, 0, 0, ZoneOffset.ofHours(-7))))
                .hasToString("created_on > 2015-10-04T14:00:00-07:00");
        assertThat(field("created_on").gt(Instant.parse("2026-01-31T14:08:59.123Z")))
                .hasToString("created_on > 2026-01-31T14:08:59.123Z");
        assertThat(field("created_on").gt(LocalDateTime.of(2026, 1, 31, 14, 8, 59)))
                .hasToString("created_on > 2026-01-31T14:08:59");
        assertThat(field("updated_on").gt(LocalDate.of(2026, 1, 1))).hasToString("updated_on > 2026-01-01");
    }

    @Test
    void refusesInvalidFieldPathsNamingThem() {
        for (String bad : List.of("", "state = \"x\" OR a", "a..b", ".a", "a.", "values[0]", "a-b", "1abc x")) {
            assertThatThrownBy(() -> field(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThat(field("reporter.account_id").path()).isEqualTo("reporter.account_id");
        assertThat(field("content.raw2").eq("x")).hasToString("content.raw2 = \"x\"");
    }

    @Test
    void refusesValuesBbqlCannotExpress() {
        assertThatThrownBy(() -> field("a").eq(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> field("a").gt(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> field("a").in()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a IN needs at least one value");
        assertThatThrownBy(() -> Bbql.raw("  ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalQueriesAreEqual() {
        assertThat(field("a").eq(1).and(field("b").eq(2))).isEqualTo(field("a").eq(1).and(field("b").eq(2)))
                .hasSameHashCodeAs(field("a").eq(1).and(field("b").eq(2)));
    }
}

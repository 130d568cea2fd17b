package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseSqlTest {

    private static String render(String sql, String... literals) {
        return ClickHouseSql.parse(sql).render(List.of(literals));
    }

    @Test
    void findsMarkersAndSubstitutesLiterals() {
        ClickHouseSql sql = ClickHouseSql.parse("SELECT $1, $2 + $1 FROM t WHERE x = $3");
        assertThat(sql.parameterCount()).isEqualTo(3);
        assertThat(sql.render(List.of("'a'", "2", "NULL"))).isEqualTo("SELECT 'a', 2 + 'a' FROM t WHERE x = NULL");
        assertThat(ClickHouseSql.parse("SELECT 1").parameterCount()).isZero();
        assertThat(render("SELECT 1")).isEqualTo("SELECT 1");
        assertThat(render("SELECT ($1)", "1")).isEqualTo("SELECT (1)");
        assertThat(render("$1", "1")).isEqualTo("1");
        assertThat(ClickHouseSql.parse("SELECT $10, $9, $8, $7, $6, $5, $4, $3, $2, $1").parameterCount()).isEqualTo(10);
    }

    @Test
    void ignoresMarkersInStringsIdentifiersAndComments() {
        String sql = "SELECT '$1', 'it''s $1', 'a\\'$1', `col$1`, \"$1\", `x``$1` -- $1\n"
                + "/* $1 /* $1 */ , $1 /* $2 */";
        ClickHouseSql parsed = ClickHouseSql.parse(sql);
        assertThat(parsed.parameterCount()).isEqualTo(1);
        assertThat(parsed.render(List.of("7"))).isEqualTo(sql.replace(", $1 /*", ", 7 /*"));
        assertThat(render("SELECT 1 -- $1", new String[0])).isEqualTo("SELECT 1 -- $1");
        assertThat(render("SELECT '\\\\' , $1", "2")).isEqualTo("SELECT '\\\\' , 2");
    }

    @Test
    void ignoresMarkersInTheCommentsAndHeredocsOfNewerServers() {
        assertThat(ClickHouseSql.parse("SELECT $1 # $2\n#! $3\n// $4\n, $$ $5 $$, $tag$ $6 $tag$, 'x'").parameterCount())
                .isEqualTo(1);
        assertThat(render("SELECT $1 #$2", "1", "2")).isEqualTo("SELECT 1 #2");
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT $x$ abc")).hasMessageContaining("heredoc $x$")
                .hasMessageContaining("position 7");
    }

    @Test
    void blockCommentsDoNotNestAsInClickHouse1816() {
        // 18.16 ends the comment at the first */ ("SELECT 1 /* a /* b */ 2" fails at "2")
        assertThat(ClickHouseSql.parse("SELECT /* a /* b */ $1").parameterCount()).isEqualTo(1);
    }

    @Test
    void ignoresDollarSignsInsideWordsAndNumbers() {
        assertThat(ClickHouseSql.parse("SELECT a$1, 1$2, $1x, $ , x$").parameterCount()).isZero();
        assertThat(render("SELECT $1+$2", "1", "2")).isEqualTo("SELECT 1+2");
        assertThat(render("SELECT [$1,$2]", "1", "2")).isEqualTo("SELECT [1,2]");
    }

    @Test
    void keepsANegativeLiteralFromFormingAComment() {
        assertThat(render("SELECT 1-$1", "-5")).isEqualTo("SELECT 1- -5");
        assertThat(render("SELECT 1 - $1", "-5")).isEqualTo("SELECT 1 - -5");
        assertThat(render("SELECT $1", "-5")).isEqualTo("SELECT -5");
    }

    @Test
    void rejectsDollarZeroAndGapsNamingTheMarker() {
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT $0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$0").hasMessageContaining("position 7");
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT $1, $3")).hasMessageContaining("$2 is missing");
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT $99999999999")).hasMessageContaining("out of range");
    }

    @Test
    void rejectsUnterminatedQuotesAndCommentsNamingThePosition() {
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT 'abc")).hasMessageContaining("string literal")
                .hasMessageContaining("position 7");
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT 'a\\'")).hasMessageContaining("position 7");
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT `abc")).hasMessageContaining("quoted identifier");
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT \"abc")).hasMessageContaining("position 7");
        assertThatThrownBy(() -> ClickHouseSql.parse("SELECT 1 /* x")).hasMessageContaining("/* comment")
                .hasMessageContaining("position 9");
    }

    @Test
    void rejectsTheWrongNumberOfLiterals() {
        assertThatThrownBy(() -> render("SELECT $1, $2", "1")).hasMessageContaining("2 bind markers but 1 values");
    }
}

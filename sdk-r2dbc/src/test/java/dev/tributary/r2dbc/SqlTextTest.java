package dev.tributary.r2dbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTextTest {

    @Test
    void rewritesNamedParametersToPositionalOnesReusingRepeatedNames() {
        SqlText text = SqlText.parse("SELECT * FROM t WHERE a = :a AND b = :b OR a2 = :a");
        assertThat(text.positionalSql()).isEqualTo("SELECT * FROM t WHERE a = $1 AND b = $2 OR a2 = $1");
        assertThat(text.parameterIndexes()).containsExactly(entry("a", 0), entry("b", 1));
    }

    @Test
    void ignoresColonsInLiteralsIdentifiersCommentsDollarQuotesAndCasts() {
        String sql = "SELECT ':no', E'\\':no', \"col:no\", $$ :no $$, $tag$ :no $tag$, x::text -- :no\n"
                + "/* :no /* nested :no */ */ FROM t WHERE y = :yes";
        SqlText text = SqlText.parse(sql);
        assertThat(text.parameterNames()).containsExactly("yes");
        assertThat(text.positionalSql()).endsWith("WHERE y = $1").contains("x::text").contains("$tag$ :no $tag$");
    }

    @Test
    void leavesSqlWithoutNamedParametersUntouched() {
        String sql = "SELECT $1::int, 'a:b'";
        SqlText text = SqlText.parse(sql);
        assertThat(text.positionalSql()).isSameAs(sql);
        assertThat(text.hasPositionalParameters()).isTrue();
        assertThat(text.hasNamedParameters()).isFalse();
    }

    @Test
    void rejectsMixedParameterStylesNamingTheProblem() {
        assertThatThrownBy(() -> SqlText.parse("SELECT :a, $1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixes named (:name) and positional ($1)");
    }

    @Test
    void classifiesSingleQueriesAndMultipleStatements() {
        assertThat(SqlText.parse("  /* c */ select 1").isSingleQuery()).isTrue();
        assertThat(SqlText.parse("WITH x AS (SELECT 1) SELECT * FROM x;").isSingleQuery()).isTrue();
        assertThat(SqlText.parse("VALUES (1), (2)").leadingKeyword()).isEqualTo("VALUES");
        assertThat(SqlText.parse("SELECT 1; SELECT 2").hasMultipleStatements()).isTrue();
        assertThat(SqlText.parse("SELECT ';'").hasMultipleStatements()).isFalse();
        assertThat(SqlText.parse("INSERT INTO t VALUES (1)").isSingleQuery()).isFalse();
    }

    @Test
    void tellsReadsFromWrites() {
        assertThat(SqlText.parse("SELECT * FROM t WHERE note = 'insert into x'").isRead()).isTrue();
        assertThat(SqlText.parse("WITH a AS (SELECT 1) SELECT * FROM a").isRead()).isTrue();
        assertThat(SqlText.parse("VALUES (1)").isRead()).isTrue();
        assertThat(SqlText.parse("SHOW search_path").isRead()).isTrue();
        assertThat(SqlText.parse("/* update */ SELECT 1 -- delete").isRead()).isTrue();
        assertThat(SqlText.parse("WITH moved AS (DELETE FROM t RETURNING *) SELECT * FROM moved").isRead()).isFalse();
        assertThat(SqlText.parse("SELECT * INTO copy FROM t").isRead()).isFalse();
        assertThat(SqlText.parse("SELECT * FROM t FOR UPDATE").isRead()).isFalse();
        assertThat(SqlText.parse("SELECT nextval('s')").isRead()).isFalse();
        assertThat(SqlText.parse("INSERT INTO t VALUES (1)").isRead()).isFalse();
        assertThat(SqlText.parse("SELECT 1; SELECT 2").isRead()).isFalse();
    }

    @Test
    void redactsLiteralsThatFollowPassword() {
        SqlText text = SqlText.parse("ALTER ROLE app WITH ENCRYPTED PASSWORD 'hunter2' VALID UNTIL 'infinity'");
        assertThat(text.redacted())
                .isEqualTo("ALTER ROLE app WITH ENCRYPTED PASSWORD 'REDACTED' VALID UNTIL 'infinity'")
                .doesNotContain("hunter2");
        assertThat(SqlText.parse("CREATE ROLE x PASSWORD $p$s3cret$p$").redacted()).doesNotContain("s3cret");
    }

    @Test
    void readsClickHouseBackslashEscapesAndBackticksWithoutFindingParametersInThem() {
        SqlText text = SqlText.parse("SELECT 'it\\'s :not', `odd:name`, \"x\\\":y\" FROM t WHERE a = :a AND b = :b", SqlText.Dialect.CLICKHOUSE);
        assertThat(text.parameterNames()).containsExactly("a", "b");
        assertThat(text.positionalSql()).isEqualTo("SELECT 'it\\'s :not', `odd:name`, \"x\\\":y\" FROM t WHERE a = $1 AND b = $2");
        // ClickHouse has no dollar quoting: $1 is a parameter after a $-word too
        assertThat(SqlText.parse("SELECT $1, arrayMap(x -> x * 2, [1, 2])", SqlText.Dialect.CLICKHOUSE).hasPositionalParameters()).isTrue();
        assertThat(SqlText.parse("SELECT x FROM system.numbers LIMIT 3", SqlText.Dialect.CLICKHOUSE).isRead()).isTrue();
    }

    @Test
    void postgresLexingOfAClickHouseBackslashEscapeEndsTheLiteralEarly() {
        // the documented difference: in PostgreSQL's rules the backslash is an ordinary character
        assertThat(SqlText.parse("SELECT 'it\\'s :x'").parameterNames()).containsExactly("x");
        assertThat(SqlText.Dialect.ofProduct("ClickHouse")).isEqualTo(SqlText.Dialect.CLICKHOUSE);
        assertThat(SqlText.Dialect.ofProduct("PostgreSQL")).isEqualTo(SqlText.Dialect.POSTGRESQL);
    }

    @Test
    void rejectsBlankSql() {
        assertThatThrownBy(() -> SqlText.parse(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sql");
    }

    private static java.util.Map.Entry<String, Integer> entry(String k, int v) {
        return java.util.Map.entry(k, v);
    }
}

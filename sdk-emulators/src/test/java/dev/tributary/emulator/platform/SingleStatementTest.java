package dev.tributary.emulator.platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SingleStatementTest {

    @Test
    void keepsOneStatementWithoutItsTrailingSemicolons() {
        assertThat(SingleStatement.require("SELECT 1")).isEqualTo("SELECT 1");
        assertThat(SingleStatement.require("  SELECT 1 ;; \n")).isEqualTo("  SELECT 1");
        assertThat(SingleStatement.require("SELECT 1; -- done\n")).isEqualTo("SELECT 1");
        assertThat(SingleStatement.require("SELECT 1 /* a; b */ ;")).isEqualTo("SELECT 1 /* a; b */");
        // comments before the end stay (a marker to find the statement in pg_stat_activity)
        assertThat(SingleStatement.require("SELECT 1 /* marker */")).isEqualTo("SELECT 1 /* marker */");
        assertThat(SingleStatement.require("SELECT 1 -- marker")).isEqualTo("SELECT 1 -- marker");
    }

    @Test
    void semicolonsInsideLiteralsIdentifiersCommentsAndDollarQuotesDoNotSeparate() {
        for (String sql : new String[] {"SELECT 'a;b'", "SELECT E'a\\';b'", "SELECT 'it''s; fine'", "SELECT 1 AS \"x;y\"",
                "SELECT 1 -- ; comment\n + 1", "SELECT /* outer /* nested; */ still; */ 1", "SELECT $$a;b$$",
                "SELECT $fn$ x; $$ y; $fn$", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$"}) {
            assertThat(SingleStatement.require(sql)).as(sql).isEqualTo(sql);
        }
    }

    @Test
    void refusesTwoStatementsOrNone() {
        assertThatThrownBy(() -> SingleStatement.require("SELECT 1; SELECT 2")).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("more than one statement");
        });
        assertThatThrownBy(() -> SingleStatement.require("SELECT 'a'; DROP TABLE t")).isInstanceOf(ApiError.class);
        assertThatThrownBy(() -> SingleStatement.require("SELECT $1; DELETE FROM t")).isInstanceOf(ApiError.class);
        assertThatThrownBy(() -> SingleStatement.require("  ;  ")).hasMessageContaining("no statement");
        assertThatThrownBy(() -> SingleStatement.require("-- only a comment")).hasMessageContaining("no statement");
    }

    @Test
    void tellsTheLeadingKeyword() {
        assertThat(SingleStatement.leadingKeyword("  -- hello\n /* c */ select 1")).isEqualTo("SELECT");
        assertThat(SingleStatement.leadingKeyword("(VALUES (1))")).isEqualTo("VALUES");
        assertThat(SingleStatement.leadingKeyword("with x as (select 1) select * from x")).isEqualTo("WITH");
        assertThat(SingleStatement.leadingKeyword("INSERT INTO t VALUES (1)")).isEqualTo("INSERT");
    }
}

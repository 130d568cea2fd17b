package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseStatementTest {

    @Test
    void tellsStatementsThatReturnRowsByTheirFirstKeyword() {
        assertThat(ClickHouseStatement.returnsRows("select 1")).isTrue();
        assertThat(ClickHouseStatement.returnsRows("  -- comment\n /* block */ (SELECT 1) UNION ALL (SELECT 2)")).isTrue();
        assertThat(ClickHouseStatement.returnsRows("WITH 1 AS x SELECT x")).isTrue();
        assertThat(ClickHouseStatement.returnsRows("SHOW TABLES")).isTrue();
        assertThat(ClickHouseStatement.returnsRows("describe table t")).isTrue();
        assertThat(ClickHouseStatement.returnsRows("DESC t")).isTrue();
        assertThat(ClickHouseStatement.returnsRows("EXISTS TABLE t")).isTrue();
        assertThat(ClickHouseStatement.returnsRows("INSERT INTO t SELECT 1")).isFalse();
        assertThat(ClickHouseStatement.returnsRows("CREATE TABLE t (x UInt8) ENGINE = Memory")).isFalse();
        assertThat(ClickHouseStatement.returnsRows("SELECTION")).isFalse();
    }

    @Test
    void appendsTheFormatOnItsOwnLineAfterTheLastToken() {
        assertThat(ClickHouseStatement.withFormat("SELECT 1")).isEqualTo("SELECT 1\nFORMAT TabSeparatedWithNamesAndTypes");
        assertThat(ClickHouseStatement.withFormat("SELECT 1 ;; \n")).isEqualTo("SELECT 1\nFORMAT TabSeparatedWithNamesAndTypes");
        assertThat(ClickHouseStatement.withFormat("SELECT ';' -- done;")).isEqualTo("SELECT ';'\nFORMAT TabSeparatedWithNamesAndTypes");
        assertThat(ClickHouseStatement.withFormat("SELECT 'it\\'s;' /* c */")).isEqualTo("SELECT 'it\\'s;'\nFORMAT TabSeparatedWithNamesAndTypes");
        assertThat(ClickHouseStatement.withFormat("SELECT 1 FORMAT TSVWithNamesAndTypes;")).isEqualTo("SELECT 1 FORMAT TSVWithNamesAndTypes");
        assertThat(ClickHouseStatement.withFormat("SELECT 'format json'")).isEqualTo("SELECT 'format json'\nFORMAT TabSeparatedWithNamesAndTypes");
        assertThatThrownBy(() -> ClickHouseStatement.withFormat("SELECT 1 FORMAT JSON"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FORMAT JSON");
    }

    @Test
    void quotesTableAndColumnNamesForBulkInsert() {
        assertThat(ClickHouseConnection.tableName("cities")).isEqualTo("`cities`");
        assertThat(ClickHouseConnection.tableName("geo.cities")).isEqualTo("`geo`.`cities`");
        assertThat(ClickHouseConnection.tableName("`my db`.\"t\"")).isEqualTo("`my db`.\"t\"");
        assertThat(ClickHouseConnection.quoteIdentifier("we`ird\\")).isEqualTo("`we\\`ird\\\\`");
        assertThatThrownBy(() -> ClickHouseConnection.tableName("a.b.c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseConnection.tableName("a.")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverSideParametersStartWith19Dot11() {
        assertThat(ClickHouseConnection.supportsServerSideParameters("18.16.1")).isFalse();
        assertThat(ClickHouseConnection.supportsServerSideParameters("19.10.1.5")).isFalse();
        assertThat(ClickHouseConnection.supportsServerSideParameters("19.11.3.11")).isTrue();
        assertThat(ClickHouseConnection.supportsServerSideParameters("24.3.1.2672")).isTrue();
        assertThat(ClickHouseConnection.supportsServerSideParameters("unknown")).isFalse();
    }

    @Test
    void queryIdsAreVersion4Uuids() {
        String id = ClickHouseTransport.randomId();
        assertThat(java.util.UUID.fromString(id).version()).isEqualTo(4);
        assertThat(java.util.UUID.fromString(id).variant()).isEqualTo(2);
        assertThat(ClickHouseTransport.randomId()).isNotEqualTo(id);
    }
}

/**
 * A real ClickHouse server under test control: {@link dev.tributary.testkit.clickhouse.ClickHouseServer}.
 */
package dev.tributary.testkit.clickhouse;

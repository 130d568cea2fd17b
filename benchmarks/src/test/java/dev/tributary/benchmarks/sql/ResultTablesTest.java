package dev.tributary.benchmarks.sql;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultTablesTest {

    /** A contender that only has a name: the tables are rendered from given results. */
    private static Contender named(String name) {
        return new Contender(name) {
            @Override
            LoopResult closedLoop(Workload workload, long keys, int concurrency, Duration duration) {
                throw new UnsupportedOperationException();
            }

            @Override
            long stream(long rows, RowConsumer consumer) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    /** One second with {@code ops} operations, each of the given latency in microseconds. */
    private static LoopResult round(long ops, long latencyMicros, long errors) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(latencyMicros, ops);
        return new LoopResult(ops, errors, 1_000_000_000L, h);
    }

    @Test
    void quotesTheMedianRoundAndTheRatioToTheRawDriver() {
        Map<Contender, List<LoopResult>> results = new LinkedHashMap<>();
        results.put(named("Tributary (defaults)"), List.of(round(900, 2000, 0), round(1100, 1000, 1), round(800, 3000, 0)));
        results.put(named(SqlScenarios.BASELINE), List.of(round(1000, 1000, 0), round(1000, 1000, 0), round(1000, 1000, 0)));

        String table = SqlScenarios.closedLoopTable(Workload.POINT_SELECT, 16, results, true);

        assertThat(table).startsWith("### Point select, concurrency 16\n\n")
                .contains("| Tributary (defaults) | 900 | 0.90x | 2.00 | 2.00 | 1 | 800 / 900 / 1,100 (3) |")
                .contains("| r2dbc-pool (raw driver) | 1,000 | 1.00x | 1.00 | 1.00 | 0 | 1,000 / 1,000 / 1,000 (3) |")
                .doesNotContain("not installed");
    }

    @Test
    void saysWhichPackageBringsPgbenchWhenItIsMissing() {
        Map<Contender, List<LoopResult>> results = new LinkedHashMap<>();
        results.put(named(SqlScenarios.BASELINE), List.of(round(500, 4000, 0)));

        String table = SqlScenarios.closedLoopTable(Workload.TRANSFER, 16, results, false);

        assertThat(table).startsWith("### Transactions, concurrency 16")
                .contains("transactions/s")
                .contains("| pgbench -M prepared | not installed (Debian package postgresql-client) |");
    }

    @Test
    void eachRoundStartsWithTheNextContender() {
        List<String> contenders = List.of("a", "b", "c");

        assertThat(SqlScenarios.rotated(contenders, 0)).containsExactly("a", "b", "c");
        assertThat(SqlScenarios.rotated(contenders, 1)).containsExactly("b", "c", "a");
        assertThat(SqlScenarios.rotated(contenders, 2)).containsExactly("c", "a", "b");
        assertThat(SqlScenarios.rotated(contenders, 3)).containsExactly("a", "b", "c");
    }

    @Test
    void loopResultsGiveThroughputAndPercentilesInMilliseconds() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 100L);
        }
        LoopResult result = new LoopResult(100, 0, 500_000_000L, h);

        assertThat(result.throughput()).isEqualTo(200.0);
        // HdrHistogram with 3 significant digits: within 0.1 %
        assertThat(result.p50Millis()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.005));
        assertThat(result.p99Millis()).isCloseTo(9.9, org.assertj.core.data.Offset.offset(0.01));
        assertThat(new LoopResult(0, 3, 1_000_000_000L, new Histogram(3)).p99Millis()).isNaN();
    }

    @Test
    void pgbenchRunsTheSameStatementsAsTheJvmClients() {
        assertThat(PgbenchContender.script(Workload.POINT_SELECT, 1000))
                .isEqualTo("\\set id random(1, 1000)\nSELECT id, name, score, amount, created, flag FROM items WHERE id = :id;\n");
        assertThat(PgbenchContender.script(Workload.TRANSFER, 1000))
                .contains("\\set id random(1, 100000)")
                .contains("SELECT balance FROM accounts WHERE id = :id FOR UPDATE \\gset")
                .contains("UPDATE accounts SET balance = :balance + 1 WHERE id = :id;")
                .contains("INSERT INTO transfers (account_id, amount) VALUES (:id, 1);");
        assertThat(Workload.jdbc(Workload.WRITE_BALANCE)).isEqualTo("UPDATE accounts SET balance = ? WHERE id = ?");
    }

    @Test
    void slowConsumerPausesEveryNRowsAndBothFoldEveryRow() {
        RowConsumer slow = RowConsumer.slow(2, 1_000_000);
        RowConsumer fast = RowConsumer.fast();
        Item item = new Item(7, "item-7", 7, 1.75, java.time.OffsetDateTime.parse("2024-01-01T00:00:07Z"), false);

        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            slow.accept(item);
            fast.accept(item);
        }
        long elapsed = System.nanoTime() - t0;

        assertThat(slow.isSlow()).isTrue();
        assertThat(fast.isSlow()).isFalse();
        assertThat(slow.rows()).isEqualTo(4);
        assertThat(slow.digest()).isEqualTo(fast.digest()).isEqualTo(4 * item.digest());
        assertThat(elapsed).isGreaterThanOrEqualTo(2_000_000L);
    }
}

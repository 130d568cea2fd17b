package dev.tributary.r2dbc;

import dev.tributary.Tributary;
import dev.tributary.sql.SqlClient;
import dev.tributary.sql.SqlStatement;
import io.netty.buffer.PooledByteBufAllocator;
import io.r2dbc.postgresql.codec.DefaultCodecs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bind encoding, per statement of three parameters: what Tributary adds before the driver (parsing
 * the SQL for its parameters and read/write kind, immutable binds), against the driver's own work
 * at bind time for the same values (r2dbc-postgresql's codec lookup and encoded parameter; the
 * bytes themselves are written later, with the Bind message). The client is built
 * without a server: assembling a statement opens no connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StatementBenchmark {

    static final String SQL = "SELECT id, name, score, amount, created, flag FROM items WHERE id = $1 AND name = $2 AND amount > $3";

    private final SqlClient db = Tributary.sql("r2dbc:postgresql://postgres@127.0.0.1:1/bench").build();
    private final DefaultCodecs codecs = new DefaultCodecs(PooledByteBufAllocator.DEFAULT);

    @Benchmark
    public SqlStatement tributaryStatementWithThreeBinds() {
        return this.db.sql(SQL).bind(0, 42L).bind(1, "item-42").bind(2, 10.5);
    }

    @Benchmark
    public SqlText tributaryParseSql() {
        return SqlText.parse(SQL);
    }

    @Benchmark
    public void driverEncodeThreeValues(Blackhole bh) {
        bh.consume(this.codecs.encode(42L));
        bh.consume(this.codecs.encode("item-42"));
        bh.consume(this.codecs.encode(10.5));
    }

    @TearDown
    public void close() {
        this.db.close().block(Duration.ofSeconds(5));
    }
}

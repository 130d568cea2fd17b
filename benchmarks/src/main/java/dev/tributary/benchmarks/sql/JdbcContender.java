package dev.tributary.benchmarks.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The blocking default: pgjdbc with HikariCP (pool of the run's size), called from a fixed pool of
 * one thread per caller. pgjdbc's own defaults (server-side prepare after 5 executions); rows
 * stream with {@code fetchSize(1000)} in a transaction (without it pgjdbc reads the whole result
 * into memory).
 */
final class JdbcContender extends Contender {

    private final HikariDataSource pool;

    JdbcContender(String name, String jdbcUrl, String user, int poolSize) {
        super(name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setPoolName("bench-hikari");
        config.setConnectionTimeout(ClosedLoop.OPERATION_TIMEOUT.toMillis());
        this.pool = new HikariDataSource(config);
    }

    private static Item item(ResultSet rs) throws SQLException {
        return new Item(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getDouble(4), rs.getObject(5, OffsetDateTime.class),
                rs.getBoolean(6));
    }

    @Override
    LoopResult closedLoop(Workload workload, long keys, int concurrency, Duration duration) {
        return workload == Workload.POINT_SELECT
                ? ClosedLoop.blocking(this::pointSelect, keys, concurrency, duration)
                : ClosedLoop.blocking(this::transfer, Workload.ACCOUNTS, concurrency, duration);
    }

    void pointSelect(long id) {
        try (Connection c = this.pool.getConnection(); PreparedStatement ps = c.prepareStatement(Workload.jdbc(Workload.SELECT_ITEM))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    item(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void transfer(long id) {
        try (Connection c = this.pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement read = c.prepareStatement(Workload.jdbc(Workload.READ_BALANCE));
                 PreparedStatement write = c.prepareStatement(Workload.jdbc(Workload.WRITE_BALANCE));
                 PreparedStatement insert = c.prepareStatement(Workload.jdbc(Workload.INSERT_TRANSFER))) {
                read.setLong(1, id);
                long balance;
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    balance = rs.getLong(1);
                }
                write.setLong(1, id);
                write.setLong(2, balance + 1);
                write.executeUpdate();
                insert.setLong(1, id);
                insert.setLong(2, 1L);
                insert.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    long stream(long rows, RowConsumer consumer) {
        try (Connection c = this.pool.getConnection()) {
            c.setAutoCommit(false);
            long count = 0;
            try (PreparedStatement ps = c.prepareStatement(Workload.jdbc(Workload.STREAM_ITEMS))) {
                ps.setFetchSize(1000);
                ps.setLong(1, rows);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        consumer.accept(item(rs));
                        count++;
                    }
                }
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
            return count;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        this.pool.close();
    }
}

package dev.strangler.cli.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/** The few SQL statements the demo runs itself (setup and a readiness wait). */
final class DemoSql {

    private DemoSql() {
    }

    static void exec(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("demo: " + sql + ": " + e.getMessage(), e);
        }
    }

    static long count(DataSource ds, String table) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("demo: counting " + table + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the CDC snapshot has copied every source row, so the new service starts with data. */
    static void awaitEqualCounts(DataSource source, String sourceTable, DataSource target, String targetTable,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long expected = count(source, sourceTable);
        long copied;
        while ((copied = count(target, targetTable)) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("demo: CDC snapshot copied " + copied + " of " + expected + " "
                        + sourceTable + " rows in " + timeout.toSeconds() + " s (see the log for CDC errors)");
            }
            LockSupport.parkNanos(100_000_000L); // poll interval
        }
    }
}

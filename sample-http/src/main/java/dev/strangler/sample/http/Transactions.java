package dev.strangler.sample.http;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs JDBC work in one transaction: commit on success, roll back on any exception. */
public final class Transactions {

    /** Work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    /** Commits when {@code work} returns. */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        return inTransaction(dataSource, false, work);
    }

    /**
     * Like {@link #inTransaction(DataSource, Work)}, but when {@code rollbackAlways} is set the
     * transaction is rolled back even on success: a dry run that answers as if it had written.
     */
    public static <T> T inTransaction(DataSource dataSource, boolean rollbackAlways, Work<T> work)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                if (rollbackAlways) {
                    c.rollback();
                } else {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}

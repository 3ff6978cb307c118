package dev.strangler.cdc;

import dev.strangler.embedded.LocalPostgres;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** Small legacy and new schemas (appointments + clinics) and polling helpers shared by the ITs. */
final class TestSchemas {

    static final String LEGACY_DDL = """
            CREATE TABLE appt (appt_id bigint PRIMARY KEY, patient_no bigint NOT NULL, status_cd char(1) NOT NULL,
              appt_date date NOT NULL, appt_time time NOT NULL, notes text, kind text NOT NULL DEFAULT 'VIDEO',
              fee numeric(10,2), version int NOT NULL DEFAULT 1);
            CREATE TABLE clinic (clinic_id int PRIMARY KEY, name text NOT NULL);
            """;
    static final String NEW_DDL = """
            CREATE TABLE appointments (id bigint PRIMARY KEY, patient_id bigint NOT NULL,
              status text NOT NULL CHECK (status IN ('BOOKED', 'CANCELLED', 'DONE')),
              starts_at timestamptz NOT NULL, fee numeric(10,2) CONSTRAINT fee_not_negative CHECK (fee >= 0),
              version int NOT NULL);
            CREATE TABLE clinics (id int PRIMARY KEY, name text NOT NULL);
            """;

    private TestSchemas() {
    }

    static Path mapping() {
        try {
            return Paths.get(TestSchemas.class.getResource("/mappings/clinic.yaml").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates fresh legacy and new databases named {@code <prefix>_legacy}, {@code <prefix>_new}. */
    static void create(LocalPostgres pg, String prefix) {
        exec(pg.dataSource(prefix + "_legacy", 4), LEGACY_DDL);
        exec(pg.dataSource(prefix + "_new", 4), NEW_DDL);
    }

    static CdcSyncConfig.Builder config(LocalPostgres pg, String prefix) {
        return CdcSyncConfig.builder().source(pg.jdbcUrl(prefix + "_legacy")).target(pg.jdbcUrl(prefix + "_new"))
                .mapping(mapping()).slot(prefix + "_fwd");
    }

    static void exec(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static long count(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static List<String> rows(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes. */
    static void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.onSpinWait();
                synchronized (TestSchemas.class) {
                    TestSchemas.class.wait(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}

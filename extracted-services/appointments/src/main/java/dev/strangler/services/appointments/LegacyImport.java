package dev.strangler.services.appointments;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-off bulk copy of the monolith's data into an empty appointments database, for
 * benchmarks and standalone runs where no CDC is running: patients' states, physicians,
 * licences and appointments, converted as the CDC mapping does (date + time in the clinic zone
 * → {@code timestamptz}, one-char status → enum). Streams {@code COPY TO} into {@code COPY FROM}.
 * CDC replaces this in the demo.
 */
public final class LegacyImport {

    private static final Logger log = LoggerFactory.getLogger(LegacyImport.class);

    private LegacyImport() {
    }

    /** Copies everything; the target must have no appointments yet. Returns rows copied. */
    public static long copy(DataSource monolith, DataSource service, java.time.ZoneId zone) {
        AppointmentsApp.migrations().migrate(service);
        String z = zone.getId().replace("'", "");
        long t0 = System.nanoTime();
        long rows = 0;
        try (Connection from = monolith.getConnection(); Connection to = service.getConnection()) {
            rows += pipe(from, to, "SELECT pt_id, pt_st FROM pt", "patient_jurisdictions (patient_id, state)");
            rows += pipe(from, to, "SELECT phys_id FROM phys", "physicians (physician_id)");
            rows += pipe(from, to, "SELECT phys_id, lic_st, lic_exp_dt, lic_stat = 'A' FROM phys_lic",
                    "physician_licences (physician_id, state, expires_on, active)");
            rows += pipe(from, to, "SELECT appt_id, pt_id, phys_id, (appt_dt + appt_tm) AT TIME ZONE '" + z + "', "
                    + "appt_dur_min, CASE appt_stat WHEN 'B' THEN 'BOOKED' WHEN 'C' THEN 'CANCELLED' "
                    + "WHEN 'D' THEN 'COMPLETED' ELSE 'NO_SHOW' END, appt_rsn, cxl_rsn, rschd_cnt::int FROM appt",
                    "appointments (id, patient_id, physician_id, starts_at, duration_minutes, status, reason, "
                            + "cancellation_reason, reschedule_count)");
            try (Statement st = to.createStatement()) {
                st.execute("ANALYZE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("copying the monolith's data into the appointments database failed: "
                    + e.getMessage(), e);
        }
        log.info("imported {} rows from the monolith in {} ms", rows, (System.nanoTime() - t0) / 1_000_000);
        return rows;
    }

    private static long pipe(Connection from, Connection to, String select, String target) throws SQLException {
        PGConnection src = from.unwrap(PGConnection.class);
        PGConnection dst = to.unwrap(PGConnection.class);
        try (PipedInputStream in = new PipedInputStream(1 << 16); PipedOutputStream out = new PipedOutputStream(in)) {
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                try (out) {
                    return src.getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT (FORMAT binary)", out);
                } catch (SQLException | IOException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            long written = dst.getCopyAPI().copyIn("COPY " + target + " FROM STDIN (FORMAT binary)", in);
            reader.join();
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

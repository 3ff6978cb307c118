package dev.strangler.services.video;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A one-off copy of the monolith's appointment statuses into the video-sessions replica table,
 * for standalone runs without CDC. CDC replaces this in the demo.
 */
public final class AppointmentStatusImport {

    private AppointmentStatusImport() {
    }

    /** Copies (upserts) every appointment's status; returns rows copied. */
    public static long copy(DataSource monolith, DataSource video) {
        VideoSessionsApp.migrations().migrate(video);
        long rows = 0;
        try (Connection from = monolith.getConnection(); Connection to = video.getConnection();
                Statement st = from.createStatement();
                PreparedStatement ins = to.prepareStatement("INSERT INTO appointment_statuses (appointment_id, status) "
                        + "VALUES (?, ?) ON CONFLICT (appointment_id) DO UPDATE SET status = excluded.status")) {
            to.setAutoCommit(false);
            st.setFetchSize(10_000);
            from.setAutoCommit(false); // a fetch size needs a transaction in PgJDBC
            try (ResultSet rs = st.executeQuery("SELECT appt_id, CASE appt_stat WHEN 'B' THEN 'BOOKED' "
                    + "WHEN 'C' THEN 'CANCELLED' WHEN 'D' THEN 'COMPLETED' ELSE 'NO_SHOW' END FROM appt")) {
                while (rs.next()) {
                    ins.setLong(1, rs.getLong(1));
                    ins.setString(2, rs.getString(2));
                    ins.addBatch();
                    if (++rows % 5_000 == 0) {
                        ins.executeBatch();
                    }
                }
            }
            ins.executeBatch();
            to.commit();
            from.commit();
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("copying appointment statuses from the monolith failed: " + e.getMessage(), e);
        }
    }
}

package dev.strangler.sample.monolith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an empty monolith database with {@link SampleData} through PostgreSQL {@code COPY}
 * (100k patients in seconds), plus demo logins for the first 100 patients and physicians:
 * user {@code patient<ID>} / password {@code patient<ID>-pw}, and {@code physician<ID>} /
 * {@code physician<ID>-pw}. Runs the migrations first.
 */
public final class MonolithSeeder {

    private static final Logger log = LoggerFactory.getLogger(MonolithSeeder.class);
    private static final int DEMO_USERS = 100;
    private static final int COPY_CHUNK = 1 << 16;

    /** What was written. */
    public record Result(int patients, int physicians, int licences, int appointments, boolean skipped) {
    }

    private MonolithSeeder() {
    }

    /** Seeds with defaults (see {@link SeedSpec#of}). */
    public static Result seed(DataSource dataSource, int patients, int physicians, long seed) {
        return seed(dataSource, SeedSpec.of(patients, physicians, seed));
    }

    /** Seeds {@code spec}; does nothing (and says so) when patients already exist. */
    public static Result seed(DataSource dataSource, SeedSpec spec) {
        MonolithApp.migrations().migrate(dataSource);
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            if (hasRows(c)) {
                log.info("monolith database already holds patients: seeding skipped");
                return new Result(0, 0, 0, 0, true);
            }
            SampleData data = SampleData.generate(spec);
            c.setAutoCommit(false);
            PGConnection pg = c.unwrap(PGConnection.class);
            copy(pg, "phys (phys_id, phys_fnm, phys_lnm, phys_npi, phys_spec)", data.physicians(),
                    p -> csv(p.id(), p.firstName(), p.lastName(), p.npi(), p.specialty()));
            copy(pg, "phys_lic (phys_id, lic_st, lic_no, lic_exp_dt)", data.licences(),
                    l -> csv(l.physicianId(), l.state(), l.number(), l.expiresOn()));
            copy(pg, "pt (pt_id, pt_fnm, pt_lnm, pt_dob, pt_st, pt_email, pt_phn, pt_addr1, pt_city, pt_zip)",
                    data.patients(), p -> csv(p.id(), p.firstName(), p.lastName(), p.dateOfBirth(), p.state(),
                            p.email(), p.phone(), p.address(), p.city(), p.zip()));
            copy(pg, "appt (appt_id, pt_id, phys_id, appt_dt, appt_tm, appt_stat, appt_rsn, crt_usr)",
                    data.appointments(), a -> csv(a.id(), a.patientId(), a.physicianId(), a.date(), a.time(),
                            a.status(), a.reason(), "seed"));
            try (Statement st = c.createStatement()) {
                for (String[] seq : new String[][] {{"pt", "pt_id"}, {"phys", "phys_id"}, {"phys_lic", "lic_id"},
                    {"appt", "appt_id"}}) {
                    st.execute("SELECT setval(pg_get_serial_sequence('" + seq[0] + "', '" + seq[1]
                            + "'), GREATEST((SELECT max(" + seq[1] + ") FROM " + seq[0] + "), 1))");
                }
            }
            demoUsers(c, data);
            c.commit();
            try (Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                st.execute("ANALYZE"); // fresh statistics so the first queries get sensible plans
            }
            log.info("seeded monolith: {} patients, {} physicians, {} licences, {} appointments in {} ms",
                    data.patients().size(), data.physicians().size(), data.licences().size(),
                    data.appointments().size(), (System.nanoTime() - t0) / 1_000_000);
            return new Result(data.patients().size(), data.physicians().size(), data.licences().size(),
                    data.appointments().size(), false);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("seeding the monolith database failed: " + e.getMessage(), e);
        }
    }

    private static boolean hasRows(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM pt)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void demoUsers(Connection c, SampleData data) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO usr (usr_nm, pwd_hash, usr_typ, pt_id, phys_id) VALUES (?, ?, ?, ?, ?)")) {
            for (SampleData.Patient p : data.patients().subList(0, Math.min(DEMO_USERS, data.patients().size()))) {
                addUser(ps, "patient" + p.id(), "P", p.id(), null);
            }
            for (SampleData.Physician p : data.physicians().subList(0,
                    Math.min(DEMO_USERS, data.physicians().size()))) {
                addUser(ps, "physician" + p.id(), "D", null, p.id());
            }
            ps.executeBatch();
        }
    }

    private static void addUser(PreparedStatement ps, String name, String type, Long ptId, Long physId)
            throws SQLException {
        ps.setString(1, name);
        ps.setString(2, Passwords.hash(name + "-pw", Passwords.SEED_ITERATIONS));
        ps.setString(3, type);
        ps.setObject(4, ptId);
        ps.setObject(5, physId);
        ps.addBatch();
    }

    private static <T> void copy(PGConnection pg, String target, List<T> rows, Function<T, String> line)
            throws SQLException, IOException {
        CopyIn in = pg.getCopyAPI().copyIn("COPY " + target + " FROM STDIN (FORMAT csv)");
        try {
            StringBuilder buf = new StringBuilder(COPY_CHUNK + 512);
            for (T row : rows) {
                buf.append(line.apply(row)).append('\n');
                if (buf.length() >= COPY_CHUNK) {
                    byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(bytes, 0, bytes.length);
                    buf.setLength(0);
                }
            }
            byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static String csv(Object... values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append(String.valueOf(values[i]).replace("\"", "\"\"")).append('"');
        }
        return b.toString();
    }
}

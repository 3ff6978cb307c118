package dev.strangler.sample.monolith;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.http.testing.TestHttp.Reply;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The monolith's non-appointment endpoints, migrations and seeding, on a real PostgreSQL. */
class MonolithIT {

    private static LocalPostgres pg;
    private static MonolithApp app;
    private static TestHttp http;
    private static DataSource ds;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        ds = pg.dataSource("legacy");
        MonolithSeeder.seed(ds, 500, 20, 42);
        app = MonolithApp.start(MonolithConfig.builder(ds).port(0)
                .clock(Clock.fixed(Instant.parse("2029-12-01T12:00:00Z"), ZoneOffset.UTC)).build());
        http = new TestHttp(app.port());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        pg.close();
    }

    @Test
    void seedingIsDeterministicAndSkipsAFilledDatabase() throws SQLException {
        DataSource other = pg.dataSource("legacy_again");
        MonolithSeeder.Result first = MonolithSeeder.seed(other, 500, 20, 42);
        MonolithSeeder.Result again = MonolithSeeder.seed(other, 500, 20, 42);

        assertThat(first.patients()).isEqualTo(500);
        assertThat(first.appointments()).isGreaterThan(500);
        assertThat(again.skipped()).isTrue();
        // Other tests add rows to the first database: compare the seeded ones only.
        String patients = "SELECT md5(string_agg(concat_ws(',', pt_id, pt_fnm, pt_lnm, pt_dob, pt_st, pt_email), ';' "
                + "ORDER BY pt_id)) FROM pt WHERE pt_id <= 500";
        String appointments = "SELECT md5(string_agg(concat_ws(',', appt_id, pt_id, phys_id, appt_dt, appt_tm, "
                + "appt_stat), ';' ORDER BY appt_id)) FROM appt WHERE crt_usr = 'seed'";
        assertThat(query(other, patients)).isEqualTo(query(ds, patients));
        assertThat(query(other, appointments)).isEqualTo(query(ds, appointments));
        assertThat(query(other, "SELECT max(version)::text FROM schema_version")).isEqualTo("2");
    }

    @Test
    void registersAndReadsPatientsWithStableOrder() {
        Reply created = http.post("/patients", "{\"firstName\":\"Tova\",\"lastName\":\"Quillan\","
                + "\"dateOfBirth\":\"1980-02-03\",\"state\":\"tx\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.field("state")).isEqualTo("TX");
        long id = created.json().path("id").asLong();
        assertThat(http.get("/patients/" + id).field("lastName")).isEqualTo("Quillan");
        Reply page = http.get("/patients?limit=3&afterId=10");
        assertThat(page.json().path("items")).extracting(n -> n.path("id").asLong()).containsExactly(11L, 12L, 13L);
        assertThat(http.get("/patients/99999999").status()).isEqualTo(404);
        assertThat(http.get("/patients/abc").status()).isEqualTo(404);
    }

    @Test
    void badPatientInputIs400WithTheField() {
        Reply r = http.post("/patients", "{\"firstName\":\"A\",\"lastName\":\"B\",\"dateOfBirth\":\"1980-02-03\","
                + "\"state\":\"ZZ\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.field("message")).startsWith("state: 'ZZ'");
        assertThat(http.post("/patients", "[1,2]").field("error")).isEqualTo("malformed_json");
    }

    @Test
    void licencesArePerStateAndCanBeRevoked() {
        long phys = http.post("/physicians", "{\"firstName\":\"Ren\",\"lastName\":\"Dova\",\"npi\":\"9000000001\"}")
                .json().path("id").asLong();

        assertThat(http.put("/physicians/" + phys + "/licences/ny", "{\"number\":\"NY-1\",\"expiresOn\":\"2033-01-01\"}")
                .status()).isEqualTo(200);
        assertThat(http.put("/physicians/" + phys + "/licences/CA", "{\"number\":\"CA-1\",\"expiresOn\":\"2033-01-01\"}")
                .status()).isEqualTo(200);
        assertThat(http.get("/physicians/" + phys + "/licences").json().path("items"))
                .extracting(n -> n.path("state").asText()).containsExactly("CA", "NY");
        assertThat(http.delete("/physicians/" + phys + "/licences/NY").status()).isEqualTo(204);
        assertThat(http.delete("/physicians/" + phys + "/licences/NY").status()).isEqualTo(404);
        assertThat(http.post("/physicians", "{\"firstName\":\"X\",\"lastName\":\"Y\",\"npi\":\"9000000001\"}")
                .status()).isEqualTo(409);
    }

    @Test
    void prescribingNeedsAnAppointmentAndALicenceInThePatientsState() {
        long patient = http.post("/patients", "{\"firstName\":\"Ima\",\"lastName\":\"Velt\","
                + "\"dateOfBirth\":\"1990-05-06\",\"state\":\"OR\"}").json().path("id").asLong();
        long phys = http.post("/physicians", "{\"firstName\":\"Ul\",\"lastName\":\"Brane\",\"npi\":\"9000000002\"}")
                .json().path("id").asLong();
        String rx = "{\"patientId\":" + patient + ",\"physicianId\":" + phys + ",\"drug\":\"amoxicillin\",\"dose\":\"500 mg\"}";

        Reply noAppointment = http.post("/prescriptions", rx);
        http.put("/physicians/" + phys + "/licences/OR", "{\"number\":\"OR-9\",\"expiresOn\":\"2033-01-01\"}");
        Reply booked = http.post("/appointments", "{\"patientId\":" + patient + ",\"physicianId\":" + phys
                + ",\"startsAt\":\"2030-03-04T10:00:00-05:00\"}");
        Reply ok = http.post("/prescriptions", rx);
        http.delete("/physicians/" + phys + "/licences/OR");
        Reply unlicensed = http.post("/prescriptions", rx);

        assertThat(noAppointment.status()).isEqualTo(422);
        assertThat(noAppointment.field("error")).isEqualTo("no_appointment");
        assertThat(booked.status()).isEqualTo(201);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().path("appointmentId").asLong()).isEqualTo(booked.json().path("id").asLong());
        assertThat(unlicensed.status()).isEqualTo(422);
        assertThat(unlicensed.field("message")).contains("not licensed in OR");
        assertThat(http.get("/prescriptions?patientId=" + patient).json().path("items")).hasSize(1);
    }

    @Test
    void loginSessionLifecycle() {
        Reply login = http.post("/sessions", "{\"username\":\"patient1\",\"password\":\"patient1-pw\"}");
        String bearer = "Bearer " + login.field("token");

        assertThat(login.status()).isEqualTo(201);
        assertThat(login.field("role")).isEqualTo("PATIENT");
        assertThat(http.send("GET", "/sessions/current", null, Map.of("Authorization", bearer)).field("username"))
                .isEqualTo("patient1");
        assertThat(http.send("DELETE", "/sessions/current", null, Map.of("Authorization", bearer)).status())
                .isEqualTo(204);
        assertThat(http.send("GET", "/sessions/current", null, Map.of("Authorization", bearer)).status())
                .isEqualTo(401);
        assertThat(http.post("/sessions", "{\"username\":\"patient1\",\"password\":\"wrong\"}").field("error"))
                .isEqualTo("invalid_credentials");
        assertThat(http.get("/sessions/current").field("error")).isEqualTo("missing_token");
    }

    private static String query(DataSource source, String sql) throws SQLException {
        try (Connection c = source.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

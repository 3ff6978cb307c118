package dev.strangler.services.appointments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.http.testing.TestHttp.Reply;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import dev.strangler.sample.monolith.MonolithSeeder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only the extracted service does (dry runs, its id range), and a shadow-style check: the
 * monolith's seeded data imported into the service gives the same answers on both.
 */
class AppointmentsServiceIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2029-12-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Map<String, String> DRY_RUN = Map.of("X-Strangler-Dry-Run", "1");
    private static LocalPostgres pg;
    private static MonolithApp monolith;
    private static AppointmentsApp service;
    private static TestHttp legacy;
    private static TestHttp modern;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        DataSource legacyDb = pg.dataSource("legacy");
        DataSource serviceDb = pg.dataSource("appointments");
        MonolithSeeder.seed(legacyDb, 300, 20, 7);
        LegacyImport.copy(legacyDb, serviceDb, ZoneId.of("America/New_York"));
        monolith = MonolithApp.start(MonolithConfig.builder(legacyDb).clock(CLOCK).build());
        service = AppointmentsApp.start(AppointmentsConfig.builder(serviceDb).clock(CLOCK).build());
        legacy = new TestHttp(monolith.port());
        modern = new TestHttp(service.port());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (monolith != null) {
            monolith.close();
        }
        pg.close();
    }

    /** Reads patients 1-40 and physicians 1-10 in January; the write tests use other patients and February. */
    @Test
    void importedDataAnswersLikeTheMonolithForListsAndFreeSlots() {
        int compared = 0;
        for (int patient = 1; patient <= 40; patient++) {
            String path = "/appointments?patientId=" + patient;
            assertThat(body(modern.get(path))).as(path).isEqualTo(body(legacy.get(path)));
            compared += legacy.get(path).json().path("items").size();
        }
        for (int physician = 1; physician <= 10; physician++) {
            for (String day : new String[] {"2030-01-07", "2030-01-12", "2030-01-26"}) {
                String slots = "/appointments/slots?physicianId=" + physician + "&date=" + day;
                String list = "/appointments?physicianId=" + physician + "&date=" + day;
                assertThat(body(modern.get(slots))).as(slots).isEqualTo(body(legacy.get(slots)));
                assertThat(body(modern.get(list))).as(list).isEqualTo(body(legacy.get(list)));
            }
        }
        assertThat(compared).as("appointments compared").isGreaterThan(40);
    }

    @Test
    void bookingTheSameRequestOnBothGivesTheSameAnswerButForTheId() {
        JsonNode first = legacy.get("/appointments?patientId=250").json().path("items").path(0);
        String request = "{\"patientId\":250,\"physicianId\":" + first.path("physicianId").asLong()
                + ",\"startsAt\":\"2030-02-01T16:30:00-05:00\"}";

        Reply a = legacy.post("/appointments", request);
        Reply b = modern.post("/appointments", request);

        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(201);
        assertThat(a.json().path("id").asLong()).isLessThan(1_000_000_000_000L);
        assertThat(b.json().path("id").asLong()).isGreaterThanOrEqualTo(1_000_000_000_000L);
        ObjectNode left = body(a);
        ObjectNode right = body(b);
        left.remove("id");
        right.remove("id");
        assertThat(right).isEqualTo(left);
    }

    @Test
    void dryRunAnswersAsIfBookedButWritesNothing() {
        JsonNode any = modern.get("/appointments?patientId=260").json().path("items").path(0);
        long physician = any.path("physicianId").asLong();
        String slots = "/appointments/slots?physicianId=" + physician + "&date=2030-02-04";
        JsonNode before = body(modern.get(slots));

        Reply dry = modern.post("/appointments", "{\"patientId\":260,\"physicianId\":" + physician
                + ",\"startsAt\":\"2030-02-04T09:00:00-05:00\"}", DRY_RUN);

        assertThat(dry.status()).isEqualTo(201);
        assertThat(dry.headers().firstValue("X-Strangler-Dry-Run")).contains("1");
        assertThat(modern.get("/appointments/" + dry.json().path("id").asLong()).status()).isEqualTo(404);
        assertThat(body(modern.get(slots))).isEqualTo(before);
    }

    @Test
    void dryRunCancelLeavesTheAppointmentBooked() {
        Reply booked = modern.post("/appointments", "{\"patientId\":270,\"physicianId\":"
                + modern.get("/appointments?patientId=270").json().path("items").path(0).path("physicianId").asLong()
                + ",\"startsAt\":\"2030-02-05T09:00:00-05:00\"}");
        long id = booked.json().path("id").asLong();

        Reply dry = modern.send("POST", "/appointments/" + id + "/cancel", "", DRY_RUN);

        assertThat(booked.status()).isEqualTo(201);
        assertThat(dry.status()).isEqualTo(200);
        assertThat(dry.field("status")).isEqualTo("CANCELLED");
        assertThat(modern.get("/appointments/" + id).field("status")).isEqualTo("BOOKED");
    }

    private static ObjectNode body(Reply r) {
        ObjectNode copy = r.json().deepCopy();
        copy.remove("requestId");
        copy.remove("servedAt");
        return copy;
    }
}

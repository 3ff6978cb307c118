package dev.strangler.services.appointments.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.http.testing.TestHttp.Reply;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The appointment contract both the monolith and the extracted service must honour: paths,
 * JSON shapes, status codes, error codes and messages. Subclasses start one implementation
 * and say how to seed patients, physicians and licences in its database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AppointmentsContract {

    /** Every implementation runs at this instant, so "in the past" means the same. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String DAY = "2030-01-07";

    private final AtomicLong ids = new AtomicLong(50_000);

    /** A client for the implementation under test. */
    protected abstract TestHttp http();

    /** Makes a patient living in {@code state} known to the implementation. */
    protected abstract void givenPatient(long id, String state);

    /** Makes a physician known, with licences in {@code states} valid until {@code expiresOn}. */
    protected abstract void givenPhysician(long id, LocalDate expiresOn, String... states);

    private long patient(String state) {
        long id = ids.incrementAndGet();
        givenPatient(id, state);
        return id;
    }

    private long physician(String... states) {
        long id = ids.incrementAndGet();
        givenPhysician(id, LocalDate.of(2032, 1, 1), states);
        return id;
    }

    private Reply book(long patient, long physician, String startsAt) {
        return http().post("/appointments", bookingJson(patient, physician, startsAt));
    }

    private static String bookingJson(long patient, long physician, String startsAt) {
        return "{\"patientId\":" + patient + ",\"physicianId\":" + physician + ",\"startsAt\":\"" + startsAt
                + "\",\"reason\":\"follow-up\"}";
    }

    @Test
    void booksAnAppointmentAndReadsItBack() {
        long pt = patient("CA");
        long ph = physician("CA", "NY");

        Reply booked = book(pt, ph, DAY + "T09:00:00-05:00");
        Reply read = http().get("/appointments/" + booked.json().path("id").asLong());

        assertThat(booked.status()).isEqualTo(201);
        JsonNode a = booked.json();
        assertThat(a.path("patientId").asLong()).isEqualTo(pt);
        assertThat(a.path("physicianId").asLong()).isEqualTo(ph);
        assertThat(a.path("startsAt").asText()).isEqualTo("2030-01-07T09:00:00-05:00");
        assertThat(a.path("durationMinutes").asInt()).isEqualTo(30);
        assertThat(a.path("status").asText()).isEqualTo("BOOKED");
        assertThat(a.path("reason").asText()).isEqualTo("follow-up");
        assertThat(a.path("cancellationReason").isNull()).isTrue();
        assertThat(a.path("rescheduleCount").asInt()).isZero();
        assertThat(a.path("requestId").asText()).isNotBlank();
        assertThat(read.status()).isEqualTo(200);
        assertThat(withoutNoise(read.json())).isEqualTo(withoutNoise(a));
    }

    @Test
    void normalisesAnyOffsetToTheClinicZone() {
        Reply booked = book(patient("TX"), physician("TX"), DAY + "T14:30:00Z");

        assertThat(booked.status()).isEqualTo(201);
        assertThat(booked.json().path("startsAt").asText()).isEqualTo("2030-01-07T09:30:00-05:00");
    }

    @Test
    void listsByPatientAndByPhysicianInStartOrder() {
        long pt = patient("FL");
        long ph = physician("FL");
        book(pt, ph, "2030-01-08T11:00:00-05:00");
        book(pt, ph, "2030-01-07T15:00:00-05:00");
        book(pt, ph, "2030-01-07T10:00:00-05:00");

        List<String> byPatient = starts(http().get("/appointments?patientId=" + pt));
        List<String> byPhysicianOnDay = starts(http().get("/appointments?physicianId=" + ph + "&date=" + DAY));

        assertThat(byPatient).containsExactly("2030-01-07T10:00:00-05:00", "2030-01-07T15:00:00-05:00",
                "2030-01-08T11:00:00-05:00");
        assertThat(byPhysicianOnDay).containsExactly("2030-01-07T10:00:00-05:00", "2030-01-07T15:00:00-05:00");
    }

    @Test
    void freeSlotsLeaveOutBookedOnesAndReturnCancelledOnes() {
        long pt = patient("OH");
        long ph = physician("OH");
        long id = book(pt, ph, DAY + "T10:00:00-05:00").json().path("id").asLong();

        Reply withBooking = http().get("/appointments/slots?physicianId=" + ph + "&date=" + DAY);
        http().post("/appointments/" + id + "/cancel", "{\"reason\":\"feeling better\"}");
        Reply afterCancel = http().get("/appointments/slots?physicianId=" + ph + "&date=" + DAY);

        assertThat(withBooking.status()).isEqualTo(200);
        assertThat(withBooking.json().path("physicianId").asLong()).isEqualTo(ph);
        assertThat(withBooking.json().path("date").asText()).isEqualTo(DAY);
        assertThat(withBooking.json().path("durationMinutes").asInt()).isEqualTo(30);
        List<String> slots = texts(withBooking.json().path("slots"));
        assertThat(slots).hasSize(15).doesNotContain("2030-01-07T10:00:00-05:00")
                .startsWith("2030-01-07T09:00:00-05:00", "2030-01-07T09:30:00-05:00", "2030-01-07T10:30:00-05:00")
                .endsWith("2030-01-07T16:30:00-05:00");
        assertThat(texts(afterCancel.json().path("slots"))).hasSize(16).contains("2030-01-07T10:00:00-05:00");
    }

    @Test
    void reschedulesToAFreeSlotAndCountsIt() {
        long pt = patient("GA");
        long ph = physician("GA");
        long id = book(pt, ph, DAY + "T09:00:00-05:00").json().path("id").asLong();

        Reply moved = http().post("/appointments/" + id + "/reschedule", "{\"startsAt\":\"" + DAY + "T13:00:00-05:00\"}");

        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().path("startsAt").asText()).isEqualTo("2030-01-07T13:00:00-05:00");
        assertThat(moved.json().path("rescheduleCount").asInt()).isEqualTo(1);
        assertThat(book(patient("GA"), ph, DAY + "T09:00:00-05:00").status()).isEqualTo(201);
        Reply onto = http().post("/appointments/" + id + "/reschedule", "{\"startsAt\":\"" + DAY + "T09:00:00-05:00\"}");
        assertThat(onto.status()).isEqualTo(409);
        assertThat(onto.field("error")).isEqualTo("slot_taken");
    }

    @Test
    void cancelsOnceAndRefusesChangesAfterwards() {
        long id = book(patient("NC"), physician("NC"), DAY + "T11:30:00-05:00").json().path("id").asLong();

        Reply cancelled = http().post("/appointments/" + id + "/cancel", "{\"reason\":\"travel\"}");
        Reply again = http().post("/appointments/" + id + "/cancel", "");
        Reply reschedule = http().post("/appointments/" + id + "/reschedule", "{\"startsAt\":\"" + DAY + "T12:00:00-05:00\"}");

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.field("status")).isEqualTo("CANCELLED");
        assertThat(cancelled.field("cancellationReason")).isEqualTo("travel");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.field("error")).isEqualTo("not_booked");
        assertThat(again.field("message")).isEqualTo("appointment " + id + " is CANCELLED (expected: BOOKED)");
        assertThat(reschedule.status()).isEqualTo(409);
    }

    @Test
    void malformedJsonIs400() {
        Reply truncated = http().post("/appointments", "{\"patientId\": 1, ");
        Reply notAnObject = http().post("/appointments", "[1]");
        Reply empty = http().post("/appointments", "");

        for (Reply r : List.of(truncated, notAnObject, empty)) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.field("error")).isEqualTo("malformed_json");
            assertThat(r.json().path("status").asInt()).isEqualTo(400);
        }
    }

    @Test
    void missingOrInvalidFieldsAre400NamingTheField() {
        Reply missing = http().post("/appointments", "{\"patientId\":1,\"physicianId\":2}");
        Reply wrongType = http().post("/appointments", "{\"patientId\":\"one\",\"physicianId\":2,\"startsAt\":\"x\"}");
        Reply badDate = http().post("/appointments", "{\"patientId\":1,\"physicianId\":2,\"startsAt\":\"2030-01-07 09:00\"}");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.field("error")).isEqualTo("missing_field");
        assertThat(missing.field("message")).startsWith("startsAt: missing");
        assertThat(wrongType.field("message")).isEqualTo("patientId: \"one\" (expected: a positive integer id)");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.field("message")).startsWith("startsAt: \"2030-01-07 09:00\"");
    }

    @Test
    void unknownIdsAre404() {
        long pt = patient("PA");
        long ph = physician("PA");

        Reply appointment = http().get("/appointments/999999999");
        Reply notAnId = http().get("/appointments/abc");
        Reply unknownPatient = book(999_999_998L, ph, DAY + "T09:00:00-05:00");
        Reply unknownPhysician = book(pt, 999_999_997L, DAY + "T09:00:00-05:00");
        Reply slotsOfUnknown = http().get("/appointments/slots?physicianId=999999997&date=" + DAY);
        Reply listOfUnknown = http().get("/appointments?patientId=999999998");
        Reply cancelUnknown = http().post("/appointments/999999999/cancel", "");

        assertThat(List.of(appointment, notAnId, unknownPatient, unknownPhysician, slotsOfUnknown, listOfUnknown,
                cancelUnknown)).allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(404);
                    assertThat(r.field("error")).isEqualTo("not_found");
                });
        assertThat(appointment.field("message")).isEqualTo("appointment 999999999: not found");
        assertThat(unknownPatient.field("message")).isEqualTo("patient 999999998: not found");
        assertThat(unknownPhysician.field("message")).isEqualTo("physician 999999997: not found");
    }

    @Test
    void twoConcurrentBookingsOfOneSlotGiveExactlyOne201AndOne409() {
        long ph = physician("IL");
        for (String time : List.of("09:00", "12:30", "16:00")) {
            String startsAt = DAY + "T" + time + ":00-05:00";
            CompletableFuture<Reply> a = http().postAsync("/appointments", bookingJson(patient("IL"), ph, startsAt));
            CompletableFuture<Reply> b = http().postAsync("/appointments", bookingJson(patient("IL"), ph, startsAt));

            List<Integer> statuses = List.of(a.join().status(), b.join().status());

            assertThat(statuses).containsExactlyInAnyOrder(201, 409);
            Reply loser = a.join().status() == 409 ? a.join() : b.join();
            assertThat(loser.field("error")).isEqualTo("slot_taken");
            assertThat(loser.field("message")).isEqualTo("physician " + ph + " is already booked at " + startsAt);
        }
    }

    @Test
    void manyConcurrentBookingsOfOneSlotHaveOneWinner() {
        long ph = physician("MI");
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            replies.add(http().postAsync("/appointments", bookingJson(patient("MI"), ph, DAY + "T14:00:00-05:00")));
        }

        List<Integer> statuses = replies.stream().map(f -> f.join().status()).toList();

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
        assertThat(http().get("/appointments?physicianId=" + ph).json().path("items")).hasSize(1);
    }

    @Test
    void physicianNotLicensedInThePatientsStateIs422WithTheReason() {
        long pt = patient("TX");
        long ph = physician("CA", "NY");

        Reply r = book(pt, ph, DAY + "T09:00:00-05:00");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.field("error")).isEqualTo("physician_not_licensed");
        assertThat(r.field("message")).isEqualTo("physician " + ph + " is not licensed in TX, the patient's state "
                + "(expected: an active licence in TX valid on 2030-01-07)");
    }

    @Test
    void expiredLicenceIs422() {
        long pt = patient("WA");
        long ph = ids.incrementAndGet();
        givenPhysician(ph, LocalDate.of(2030, 1, 6), "WA");

        assertThat(book(pt, ph, "2030-01-06T09:00:00-05:00").status()).isEqualTo(201);
        assertThat(book(pt, ph, DAY + "T09:00:00-05:00").field("error")).isEqualTo("physician_not_licensed");
    }

    @Test
    void slotsOffTheGridOrInThePastAre422() {
        long pt = patient("AZ");
        long ph = physician("AZ");

        Reply offGrid = book(pt, ph, DAY + "T09:10:00-05:00");
        Reply evening = book(pt, ph, DAY + "T17:00:00-05:00");
        Reply past = book(pt, ph, "2029-12-31T09:00:00-05:00");

        assertThat(List.of(offGrid, evening, past)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.field("error")).isEqualTo("invalid_slot");
        });
        assertThat(offGrid.field("message")).isEqualTo("startsAt 2030-01-07T09:10:00-05:00: not a slot "
                + "(expected: on the hour or half hour from 09:00 to 16:30 America/New_York)");
        assertThat(past.field("message")).isEqualTo("startsAt 2029-12-31T09:00:00-05:00: in the past "
                + "(expected: a future slot)");
    }

    @Test
    void neverA500ForClientInput() {
        List<Reply> replies = List.of(
                http().post("/appointments", "{\"patientId\":1e400,\"physicianId\":-1,\"startsAt\":null}"),
                http().post("/appointments", "{\"patientId\":9223372036854775808,\"physicianId\":1,\"startsAt\":\"x\"}"),
                http().post("/appointments", "{\"patientId\":1,\"physicianId\":1,\"startsAt\":\"+999999999-12-31T23:59:59+18:00\"}"),
                http().post("/appointments", "\u0000\u0001garbage"),
                http().post("/appointments", "{\"patientId\":1,\"patientId\":2}"),
                http().get("/appointments"),
                http().get("/appointments?patientId=1&physicianId=2"),
                http().get("/appointments?patientId=-5"),
                http().get("/appointments?physicianId=1&date=yesterday"),
                http().get("/appointments/slots?physicianId=x&date=2030-01-07"),
                http().get("/appointments/slots?physicianId=1"),
                http().get("/appointments/99999999999999999999999"),
                http().post("/appointments/1/reschedule", "{}"),
                http().post("/appointments/1/cancel", "{\"reason\":" + "\"x\"".repeat(1) + ",\"extra\":[}"),
                http().send("PATCH", "/appointments/1", "{}", java.util.Map.of()));

        assertThat(replies).allSatisfy(r -> {
            assertThat(r.status()).isBetween(400, 499);
            assertThat(r.field("error")).isNotBlank();
            assertThat(r.field("message")).isNotBlank();
        });
    }

    private static List<String> starts(Reply list) {
        List<String> out = new ArrayList<>();
        list.json().path("items").forEach(n -> out.add(n.path("startsAt").asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode withoutNoise(JsonNode n) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = n.deepCopy();
        copy.remove("requestId");
        copy.remove("servedAt");
        return copy;
    }
}

package dev.strangler.cli.demo;

import static dev.strangler.cli.Await.await;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void servesBookingTrafficThroughTheProxySyncsBothWaysAndLeavesNothingBehind() throws Exception {
        Path dataDir;
        int proxyPort;
        int adminPort;
        try (Demo demo = Demo.start(new DemoSettings(0, 0, 40, 300, 40, null))) {
            dataDir = demo.dataDir();
            proxyPort = demo.proxyUrl().getPort();
            adminPort = demo.adminUrl().getPort();
            assertThat(Files.isDirectory(dataDir)).isTrue();

            await(Duration.ofSeconds(60), () -> demo.trafficCounts().ok() >= 50);
            DemoTraffic.Counts counts = demo.trafficCounts();
            assertThat(counts.serverErrors()).as("5xx through the proxy: %s", counts).isZero();
            assertThat(counts.failures()).as("transport failures: %s", counts).isZero();

            // appointments traffic is mirrored to the new service and compared: the dashboard shows it
            await(Duration.ofSeconds(60), () -> dashboardComparisons(demo) > 0);
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(demo.dashboardUrl()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<html");

            HttpResponse<String> slots = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    demo.proxyUrl().resolve("/appointments/slots?physicianId=1&date=2030-01-08"))
                    .header("X-Patient-Id", "1").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(slots.statusCode()).isEqualTo(200);
            assertThat(slots.body()).contains("\"slots\"");

            HttpResponse<String> routes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(demo.adminUrl() + "/api/routes")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(routes.body()).contains("\"appointments\"").contains("\"weightBps\":0");

            long booked = bookThroughTheExtractedService(demo);
            assertThat(booked).as("the extracted service's own id range").isGreaterThanOrEqualTo(1_000_000_000_000L);
            await(Duration.ofSeconds(30), () -> monolithHasAppointment(demo, booked));
        }
        assertThat(Files.exists(dataDir)).as("temporary data directory removed").isFalse();
        assertThat(listening(proxyPort)).as("proxy port closed").isFalse();
        assertThat(listening(adminPort)).as("admin port closed").isFalse();
    }

    /** Sends all appointment traffic to the new service, books a free slot, returns its id. */
    private static long bookThroughTheExtractedService(Demo demo) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> weight = http.send(HttpRequest.newBuilder(URI.create(demo.adminUrl()
                        + "/api/routes/appointments/weight"))
                .header("Authorization", "Bearer " + demo.adminToken())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"weightBps\":10000,\"reason\":\"DemoIT\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(weight.statusCode()).as(weight.body()).isEqualTo(200);
        long[] pair = bookablePair(demo);
        String day = "2030-01-20";
        JsonNode slots = JSON.readTree(http.send(HttpRequest.newBuilder(demo.proxyUrl().resolve(
                        "/appointments/slots?physicianId=" + pair[1] + "&date=" + day))
                .header("X-Patient-Id", Long.toString(pair[0])).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(slots.path("slots").size()).as(slots.toString()).isPositive();
        String body = "{\"patientId\":" + pair[0] + ",\"physicianId\":" + pair[1] + ",\"startsAt\":\""
                + slots.path("slots").get(slots.path("slots").size() - 1).asText() + "\"}";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(demo.proxyUrl().resolve("/appointments"))
                .header("X-Patient-Id", Long.toString(pair[0])).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("id").asLong();
    }

    private static long[] bookablePair(Demo demo) throws Exception {
        try (Connection c = DriverManager.getConnection(demo.jdbcUrl("monolith")); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT p.pt_id, l.phys_id FROM pt p JOIN phys_lic l "
                        + "ON l.lic_st = p.pt_st AND l.lic_stat = 'A' ORDER BY p.pt_id DESC LIMIT 1")) {
            assertThat(rs.next()).isTrue();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static boolean monolithHasAppointment(Demo demo, long id) {
        try (Connection c = DriverManager.getConnection(demo.jdbcUrl("monolith")); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM appt WHERE appt_id = " + id)) {
            rs.next();
            return rs.getLong(1) == 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long dashboardComparisons(Demo demo) {
        try {
            JsonNode overview = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(demo.adminUrl() + "/dashboard/api/overview?since=1h")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode route : overview.path("routes")) {
                if (route.path("route").asText().equals("appointments")) {
                    return route.path("report").path("comparisons").asLong();
                }
            }
            return 0;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

}

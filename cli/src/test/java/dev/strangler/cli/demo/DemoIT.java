package dev.strangler.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class DemoIT {

    @Test
    void servesBookingTrafficThroughTheProxyAndLeavesNothingBehind() throws Exception {
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

            HttpResponse<String> slots = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    demo.proxyUrl().resolve("/appointments/slots?physicianId=1&date=2030-01-08"))
                    .header("X-Patient-Id", "1").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(slots.statusCode()).isEqualTo(200);
            assertThat(slots.body()).contains("\"slots\"");

            HttpResponse<String> routes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(demo.adminUrl() + "/api/routes")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(routes.body()).contains("\"appointments\"").contains("\"weightBps\":0");
        }
        assertThat(Files.exists(dataDir)).as("temporary data directory removed").isFalse();
        assertThat(listening(proxyPort)).as("proxy port closed").isFalse();
        assertThat(listening(adminPort)).as("admin port closed").isFalse();
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

    private static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            LockSupport.parkNanos(50_000_000L); // poll interval of a deadline wait
        }
    }
}

package dev.strangler.cli.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated patients and physicians sending realistic traffic through the proxy: patients look
 * at their appointments, look up a physician's free slots, book one, sometimes cancel;
 * physicians list their day. Every request carries the patient's id as {@code X-Patient-Id}, the
 * sticky key of the demo's appointments route. Requests are paced at a fixed rate and sent
 * asynchronously, so a slow backend shows as latency, not as a lower rate.
 */
public final class DemoTraffic implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A patient and a physician licensed in the patient's state: a pair that may book. */
    record Pair(long patientId, long physicianId) {
    }

    private final URI proxy;
    private final List<Pair> pairs;
    private final LocalDate firstDay;
    private final int days;
    private final HttpClient client;
    private final ScheduledExecutorService pacer;
    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private DemoTraffic(URI proxy, List<Pair> pairs, LocalDate firstDay, int days) {
        this.proxy = proxy;
        this.pairs = pairs;
        this.firstDay = firstDay;
        this.days = days;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.pacer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-traffic");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts sending {@code rps} requests per second to {@code proxy}, for patients and physicians
     * read from the monolith's database (made-up seed data).
     */
    public static DemoTraffic start(URI proxy, DataSource monolith, LocalDate firstDay, int days, int rps) {
        requireNonNull(proxy, "proxy");
        if (rps <= 0) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: > 0)");
        }
        DemoTraffic traffic = new DemoTraffic(proxy, bookablePairs(monolith), firstDay, days);
        long periodMicros = Math.max(1, 1_000_000L / rps);
        traffic.pacer.scheduleAtFixedRate(traffic::sendOne, 0, periodMicros, TimeUnit.MICROSECONDS);
        return traffic;
    }

    private static List<Pair> bookablePairs(DataSource monolith) {
        List<Pair> pairs = new ArrayList<>();
        try (Connection c = monolith.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT p.pt_id, l.phys_id FROM pt p "
                        + "JOIN phys_lic l ON l.lic_st = p.pt_st AND l.lic_stat = 'A' "
                        + "ORDER BY p.pt_id, l.phys_id LIMIT 20000")) {
            while (rs.next()) {
                pairs.add(new Pair(rs.getLong(1), rs.getLong(2)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("demo traffic: could not read patients from the monolith's database: "
                    + e.getMessage(), e);
        }
        if (pairs.isEmpty()) {
            throw new IllegalStateException("demo traffic: the monolith has no patient with a licensed physician "
                    + "in their state (seed more physicians)");
        }
        return pairs;
    }

    private void sendOne() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Pair pair = pairs.get(rnd.nextInt(pairs.size()));
        LocalDate day = firstDay.plusDays(rnd.nextInt(days));
        int kind = rnd.nextInt(100);
        if (kind < 40) {
            get("/appointments?patientId=" + pair.patientId(), pair);
        } else if (kind < 65) {
            get("/appointments/slots?physicianId=" + pair.physicianId() + "&date=" + day, pair);
        } else if (kind < 80) {
            get("/appointments?physicianId=" + pair.physicianId() + "&date=" + day, pair);
        } else if (kind < 95) {
            bookFreeSlot(pair, day);
        } else {
            cancelOne(pair);
        }
    }

    private void get(String pathAndQuery, Pair pair) {
        send(request(pathAndQuery, pair).GET().build());
    }

    private void bookFreeSlot(Pair pair, LocalDate day) {
        String slotsPath = "/appointments/slots?physicianId=" + pair.physicianId() + "&date=" + day;
        sendThen(request(slotsPath, pair).GET().build(), body -> {
            JsonNode slots = body.path("slots");
            if (slots.isArray() && !slots.isEmpty()) {
                String at = slots.get(ThreadLocalRandom.current().nextInt(slots.size())).asText();
                String json = "{\"patientId\":" + pair.patientId() + ",\"physicianId\":" + pair.physicianId()
                        + ",\"startsAt\":\"" + at + "\",\"reason\":\"follow-up\"}";
                send(request("/appointments", pair).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
            }
        });
    }

    private void cancelOne(Pair pair) {
        sendThen(request("/appointments?patientId=" + pair.patientId(), pair).GET().build(), body -> {
            for (JsonNode item : body.path("items")) {
                if ("BOOKED".equals(item.path("status").asText())) {
                    send(request("/appointments/" + item.path("id").asLong() + "/cancel", pair)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"patient request\"}")).build());
                    return;
                }
            }
        });
    }

    private HttpRequest.Builder request(String pathAndQuery, Pair pair) {
        return HttpRequest.newBuilder(proxy.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header("X-Patient-Id", Long.toString(pair.patientId()));
    }

    private void send(HttpRequest request) {
        sendThen(request, body -> { });
    }

    private void sendThen(HttpRequest request, java.util.function.Consumer<JsonNode> onSuccess) {
        sent.increment();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
            if (error != null) {
                failures.increment();
                log.debug("demo request failed: {}", error.toString());
                return;
            }
            int status = response.statusCode();
            if (status >= 500) {
                serverErrors.increment();
            } else if (status >= 400) {
                clientErrors.increment(); // e.g. 409 when two simulated patients race for one slot
            } else {
                ok.increment();
                try {
                    onSuccess.accept(JSON.readTree(response.body()));
                } catch (java.io.IOException e) {
                    log.debug("demo response was not JSON: {}", e.getMessage());
                }
            }
        });
    }

    /** Counts so far: sent, 2xx/3xx, 4xx, 5xx, transport failures. */
    public Counts counts() {
        return new Counts(sent.sum(), ok.sum(), clientErrors.sum(), serverErrors.sum(), failures.sum());
    }

    /** Request outcomes of the generator. */
    public record Counts(long sent, long ok, long clientErrors, long serverErrors, long failures) {
        @Override
        public String toString() {
            return "sent " + sent + ", ok " + ok + ", 4xx " + clientErrors + ", 5xx " + serverErrors
                    + ", failed " + failures;
        }
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        try {
            pacer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

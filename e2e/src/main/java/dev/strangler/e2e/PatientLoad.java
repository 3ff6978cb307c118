package dev.strangler.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Virtual patients sending through both proxies, alternately: list their appointments, look up a
 * physician's free slots, book one (POST), cancel one (POST). Each patient always sends its own id
 * as {@code X-Patient-Id}, the appointments route's sticky key, so a patient stays on one side for
 * a given weight. Requests are paced at a fixed rate and sent asynchronously (a slow backend shows
 * as latency, not as a lower rate). Every outcome lands in the phase current when it was sent; every
 * acknowledged write is remembered so the drill can check it reached both databases.
 */
final class PatientLoad implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STICKY_HEADER = "X-Patient-Id";

    /** A patient and a physician licensed in the patient's state: a pair that may book. */
    record Pair(long patientId, long physicianId) {
    }

    /** The state an acknowledged write left an appointment in. */
    enum Expected { BOOKED, CANCELLED }

    private final List<URI> proxies;
    private final List<Pair> pairs;
    private final LocalDate firstDay;
    private final int days;
    private final Supplier<PhaseStats> phase;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drill-patients");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<Long, Expected> acknowledged = new ConcurrentHashMap<>();

    private PatientLoad(List<URI> proxies, List<Pair> pairs, LocalDate firstDay, int days, Supplier<PhaseStats> phase) {
        this.proxies = List.copyOf(proxies);
        this.pairs = pairs;
        this.firstDay = firstDay;
        this.days = days;
        this.phase = phase;
    }

    /** Starts {@code rps} requests per second over {@code proxies}, for patients read from the monolith. */
    static PatientLoad start(List<URI> proxies, DataSource monolith, LocalDate firstDay, int days, int rps,
            Supplier<PhaseStats> phase) {
        PatientLoad load = new PatientLoad(proxies, bookablePairs(monolith), firstDay, days, phase);
        load.pacer.scheduleAtFixedRate(load::sendOne, 0, Math.max(1, 1_000_000L / rps), TimeUnit.MICROSECONDS);
        return load;
    }

    private static List<Pair> bookablePairs(DataSource monolith) {
        List<Pair> pairs = new ArrayList<>();
        try (Connection c = monolith.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT DISTINCT ON (p.pt_id) p.pt_id, l.phys_id FROM pt p "
                        + "JOIN phys_lic l ON l.lic_st = p.pt_st AND l.lic_stat = 'A' ORDER BY p.pt_id, l.phys_id")) {
            while (rs.next()) {
                pairs.add(new Pair(rs.getLong(1), rs.getLong(2)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("drill: could not read patients from the monolith: " + e.getMessage(), e);
        }
        if (pairs.isEmpty()) {
            throw new IllegalStateException("drill: no patient has a licensed physician in their state (seed more)");
        }
        return pairs;
    }

    private void sendOne() {
        long n = sent.incrementAndGet();
        URI proxy = proxies.get((int) (n % proxies.size()));
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Pair pair = pairs.get(rnd.nextInt(pairs.size()));
        LocalDate day = firstDay.plusDays(rnd.nextInt(days));
        int kind = rnd.nextInt(100);
        if (kind < 45) {
            read(proxy, "/appointments?patientId=" + pair.patientId(), pair, body -> { });
        } else if (kind < 65) {
            read(proxy, "/appointments/slots?physicianId=" + pair.physicianId() + "&date=" + day, pair, body -> { });
        } else if (kind < 88) {
            read(proxy, "/appointments/slots?physicianId=" + pair.physicianId() + "&date=" + day, pair,
                    body -> book(proxy, pair, body));
        } else {
            read(proxy, "/appointments?patientId=" + pair.patientId(), pair, body -> cancelOne(proxy, pair, body));
        }
    }

    private void book(URI proxy, Pair pair, JsonNode slotsBody) {
        JsonNode slots = slotsBody.path("slots");
        if (!slots.isArray() || slots.isEmpty()) {
            return;
        }
        String at = slots.get(ThreadLocalRandom.current().nextInt(slots.size())).asText();
        String json = "{\"patientId\":" + pair.patientId() + ",\"physicianId\":" + pair.physicianId()
                + ",\"startsAt\":\"" + at + "\",\"reason\":\"follow-up\"}";
        write(proxy, "/appointments", pair, json, body -> acknowledged.putIfAbsent(body.path("id").asLong(), Expected.BOOKED));
    }

    private void cancelOne(URI proxy, Pair pair, JsonNode listBody) {
        for (JsonNode item : listBody.path("items")) {
            if ("BOOKED".equals(item.path("status").asText())) {
                long id = item.path("id").asLong();
                write(proxy, "/appointments/" + id + "/cancel", pair, "{\"reason\":\"patient request\"}",
                        body -> acknowledged.put(id, Expected.CANCELLED));
                return;
            }
        }
    }

    private void read(URI proxy, String pathAndQuery, Pair pair, Consumer<JsonNode> then) {
        PhaseStats stats = phase.get();
        send(request(proxy, pathAndQuery, pair).GET().build(), (status, body, micros, error) -> {
            if (error != null || status >= 500) {
                stats.read(false, micros, "GET " + kind(status, body, error));
            } else {
                stats.read(true, micros, null);
                if (status < 300) {
                    then.accept(body);
                }
            }
        });
    }

    private void write(URI proxy, String path, Pair pair, String json, Consumer<JsonNode> onAck) {
        PhaseStats stats = phase.get();
        send(request(proxy, path, pair).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), (status, body, micros, error) -> {
            if (error == null && status < 300) {
                onAck.accept(body);
                stats.writeAcked(micros);
            } else if (error == null && (status < 500 || notSent(status, body))) {
                // 4xx, or the proxy's documented "nothing was sent" (the service is down and writes are
                // not replayed on the monolith once the service owns them): the patient knows it failed.
                stats.writeRejected(micros);
            } else if (error == null && (status == 502 || status == 504) && "unknown".equals(body.path("outcome").asText())) {
                stats.writeUnknown(micros, "POST " + kind(status, body, null));
            } else {
                stats.writeFailed(micros, "POST " + kind(status, body, error));
            }
        });
    }

    /** The proxy's own 502/503 for a request that never reached a backend (docs/proxy.md, "When a backend fails"). */
    private static boolean notSent(int status, JsonNode body) {
        String code = body.path("error").asText();
        return (status == 502 && code.equals("bad_gateway") && body.path("message").asText().contains("nothing was sent"))
                || (status == 503 && (code.equals("circuit_open") || code.equals("bulkhead_full")));
    }

    /** Status and error code, or the exception's class: never path, id or body text. */
    private static String kind(int status, JsonNode body, Throwable error) {
        if (error != null) {
            Throwable top = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            Throwable root = top;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "transport " + top.getClass().getSimpleName() + (root == top ? "" : " (" + root.getClass().getSimpleName() + ")");
        }
        String code = body.path("error").asText("");
        return status + (code.isEmpty() ? "" : " " + code);
    }

    private interface Outcome {
        void accept(int status, JsonNode body, long micros, Throwable error);
    }

    private HttpRequest.Builder request(URI proxy, String pathAndQuery, Pair pair) {
        return HttpRequest.newBuilder(proxy.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header(STICKY_HEADER, Long.toString(pair.patientId()));
    }

    private void send(HttpRequest request, Outcome outcome) {
        inFlight.incrementAndGet();
        long t0 = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        f.whenComplete((response, error) -> {
            try {
                long micros = (System.nanoTime() - t0) / 1_000;
                if (error != null) {
                    outcome.accept(0, JSON.missingNode(), micros, error);
                } else {
                    outcome.accept(response.statusCode(), parse(response.body()), micros, null);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = body.length == 0 ? null : JSON.readTree(new String(body, StandardCharsets.UTF_8));
            return n == null ? JSON.missingNode() : n;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    /** Acknowledged writes: appointment id → the state the last acknowledged write left it in. */
    Map<Long, Expected> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    /** Stops sending and waits (bounded) for the answers of requests already sent. */
    @Override
    public void close() {
        pacer.shutdownNow();
        try {
            pacer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Child.await(Duration.ofSeconds(30), () -> inFlight.get() == 0, "in-flight client requests to finish");
    }
}

package dev.strangler.services.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.AdminToken;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.LimitsConfig;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyServer;
import dev.strangler.proxy.StateConfig;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.proxy.routing.Sticky;
import dev.strangler.sample.http.Sql;
import dev.strangler.sample.http.Transactions;
import dev.strangler.sample.http.testing.Await;
import dev.strangler.sample.http.testing.TestHttp;
import dev.strangler.sample.http.testing.TestHttp.Reply;
import dev.strangler.sample.http.testing.TestWebSocket;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Consultation sessions disconnecting under peak traffic" must not happen: 500 video visits
 * (1,000 signalling WebSockets) open through the real proxy, split sticky-by-patient between the
 * monolith and the video-sessions service, stay open and keep relaying while the route's weight
 * moves up and down.
 */
class SignallingThroughProxyIT {

    private static final int ROOMS = 500;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROUTE = "video";

    @TempDir
    static Path stateDir;

    private static LocalPostgres pg;
    private static MonolithApp monolith;
    private static VideoSessionsApp service;
    private static ProxyServer proxy;
    private static ExecutorService pool;

    @BeforeAll
    static void start() throws SQLException {
        pg = LocalPostgres.start();
        DataSource legacyDb = pg.dataSource("legacy", 8);
        DataSource videoDb = pg.dataSource("video", 8);
        monolith = MonolithApp.start(MonolithConfig.builder(legacyDb).clock(Clock.systemUTC()).build());
        service = VideoSessionsApp.start(VideoSessionsConfig.builder(videoDb).build());
        seedAppointments(legacyDb, videoDb);
        proxy = ProxyServer.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .threads(2)
                .adminListen(new HostPort("127.0.0.1", 0))
                .token(new AdminToken("oncall", "operator-secret-1", AdminToken.Role.OPERATOR))
                .backend("monolith", new HostPort("127.0.0.1", monolith.port()))
                .backend("video", new HostPort("127.0.0.1", service.port()))
                .route(new Route(ROUTE, RouteMatch.prefix("/video"), "monolith", "video", 5_000,
                        new Sticky(Sticky.Source.HEADER, "X-Patient-Id"), null))
                // The proxy's defaults close a connection idle for 30 s (backend) / 60 s (client),
                // WebSockets included; a visit's signalling channel is quiet for minutes between
                // messages, so this test (like a deployment carrying video) raises both.
                .limits(new LimitsConfig(8 * 1024, 16 * 1024, 1024 * 1024, Duration.ofSeconds(10),
                        Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofMinutes(10), 64))
                .state(StateConfig.in(stateDir))
                .shutdownGrace(Duration.ofSeconds(2))
                .build(), new SimpleMeterRegistry(), Clock.systemUTC());
        pool = Executors.newFixedThreadPool(16);
    }

    /** The same booked appointments 1..ROOMS on both sides, as CDC would have it. */
    private static void seedAppointments(DataSource legacyDb, DataSource videoDb) throws SQLException {
        Transactions.inTransaction(legacyDb, c -> {
            Sql.update(c, "INSERT INTO pt (pt_id, pt_fnm, pt_lnm, pt_st) VALUES (1, 'Load', 'Patient', 'CA')");
            Sql.update(c, "INSERT INTO phys (phys_id, phys_fnm, phys_lnm, phys_npi) VALUES (1, 'Load', 'Doc', '6000000001')");
            return Sql.update(c, "INSERT INTO appt (appt_id, pt_id, phys_id, appt_dt, appt_tm) "
                    + "SELECT g, 1, 1, ?::date + g, ? FROM generate_series(1, ?) g", LocalDate.of(2030, 1, 1),
                    LocalTime.of(9, 0), ROOMS);
        });
        Transactions.inTransaction(videoDb, c -> Sql.update(c, "INSERT INTO appointment_statuses (appointment_id, status) "
                + "SELECT g, 'BOOKED' FROM generate_series(1, ?) g", ROOMS));
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (service != null) {
            service.close();
        }
        if (monolith != null) {
            monolith.close();
        }
        pg.close();
    }

    private record Visit(int appointment, TestWebSocket patient, TestWebSocket physician) {
    }

    @Test
    void thousandSignallingSessionsSurviveWeightChanges() throws Exception {
        TestHttp http = new TestHttp(proxy.port());
        HttpClient wsClient = HttpClient.newHttpClient();
        List<Future<Visit>> opening = new ArrayList<>();
        for (int appt = 1; appt <= ROOMS; appt++) {
            int a = appt;
            opening.add(pool.submit(() -> openVisit(http, wsClient, a)));
        }
        List<Visit> visits = new ArrayList<>();
        for (Future<Visit> f : opening) {
            visits.add(f.get());
        }
        try {
            assertThat(visits).noneMatch(v -> v.patient().isClosed() || v.physician().isClosed());
            Await.until(WAIT, "1,000 sessions registered in both relays",
                    () -> monolith.openSignallingSessions() + service.openSignallingSessions() == 2 * ROOMS);
            assertThat(monolith.openSignallingSessions()).as("sessions on the monolith").isBetween(300, 700);

            int round = 0;
            for (int weight : new int[] {0, 10_000, 2_500, 7_500, 0}) {
                proxy.controller().setWeight("test", ROUTE, weight, "weight change under open visits");
                // New requests follow the new weight at once ...
                Reply probe = http.send("POST", "/video/rooms", "{\"appointmentId\":1}", Map.of("X-Patient-Id", "p-1"));
                assertThat(probe.status()).isIn(200, 201);
                // ... while every open visit keeps its backend and keeps relaying.
                round++;
                for (Visit v : visits) {
                    v.patient().send("{\"type\":\"candidate\",\"round\":" + round + "}");
                }
                for (Visit v : visits) {
                    assertThat(v.physician().next(WAIT)).as("visit %d round %d", v.appointment(), round)
                            .isEqualTo("{\"type\":\"candidate\",\"round\":" + round + "}");
                }
            }
            assertThat(visits).noneMatch(v -> v.patient().isClosed() || v.physician().isClosed());
            assertThat(monolith.openSignallingSessions() + service.openSignallingSessions()).isEqualTo(2 * ROOMS);
        } finally {
            visits.forEach(v -> {
                v.patient().close();
                v.physician().close();
            });
        }
    }

    /** Room, two tokens and two WebSockets for one appointment, all with the patient's sticky key. */
    private static Visit openVisit(TestHttp http, HttpClient wsClient, int appointment) {
        Map<String, String> sticky = Map.of("X-Patient-Id", "p-" + appointment);
        Reply room = http.send("POST", "/video/rooms", "{\"appointmentId\":" + appointment + "}", sticky);
        assertThat(room.status()).as(room.text()).isEqualTo(201);
        long roomId = room.json().path("id").asLong();
        String base = "ws://127.0.0.1:" + proxy.port() + "/video/rooms/" + roomId + "/signal?token=";
        TestWebSocket patient = TestWebSocket.connect(wsClient, base + token(http, roomId, "patient", sticky), sticky);
        TestWebSocket physician = TestWebSocket.connect(wsClient, base + token(http, roomId, "physician", sticky), sticky);
        assertThat(patient.next(WAIT)).contains("\"joined\"");
        assertThat(physician.next(WAIT)).contains("\"joined\"");
        assertThat(patient.next(WAIT)).contains("peer-joined");
        return new Visit(appointment, patient, physician);
    }

    private static String token(TestHttp http, long roomId, String role, Map<String, String> sticky) {
        Reply r = http.send("POST", "/video/rooms/" + roomId + "/tokens", "{\"role\":\"" + role + "\"}", sticky);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.field("token");
    }
}

package dev.strangler.proxy;

import dev.strangler.shadow.testing.StoredText;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.store.DiffQueries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Recognisable patient data sent THROUGH the proxy with mirroring on — in the path, the query, request
 * headers, request and response bodies — reaches neither the diff store's tables, nor the log, nor
 * {@code /metrics}; while the comparisons and redacted evidence it produced are really there.
 */
class PhiThroughProxyIT {

    private static final List<String> PHI = List.of("123-45-6789", "jane.doe@example.com", "555-867-5309",
            "1984-03-07", "Jane", "Doe", "42 Elm Street");
    private static final String PATIENT = "{\"patient\":{\"firstName\":\"Jane\",\"lastName\":\"Doe\",\"ssn\":\"123-45-6789\","
            + "\"email\":\"jane.doe@example.com\",\"phone\":\"555-867-5309\",\"dob\":\"1984-03-07\","
            + "\"address\":\"42 Elm Street\"},\"note\":\"Jane Doe, born 1984-03-07, call 555-867-5309\",\"status\":\"%s\"}";

    @Test
    void patientDataSentThroughTheProxyReachesNoTableLogLineOrMetric() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Level before = root.getLevel();
        root.setLevel(Level.DEBUG);
        try (LocalPostgres pg = LocalPostgres.start();
             ScriptedBackend legacy = new ScriptedBackend();
             ScriptedBackend target = new ScriptedBackend()) {
            pg.createDatabase("phi_proxy");
            legacy.on("/api/patients", 200, String.format(PATIENT, "BOOKED"), Duration.ZERO, "X-Patient-Email", "jane.doe@example.com");
            target.on("/api/patients", 200, String.format(PATIENT, "CANCELLED"), Duration.ZERO, "X-Patient-Email", "jane.doe@example.com");
            ProxyConfig config = ProxyConfig.builder()
                    .listen(new HostPort("127.0.0.1", 0)).threads(1).adminListen(new HostPort("127.0.0.1", 0))
                    .backend("monolith", new HostPort("127.0.0.1", legacy.port()))
                    .backend("appointments", new HostPort("127.0.0.1", target.port()))
                    .route(new Route("patients", RouteMatch.prefix("/api/patients"), "monolith", "appointments", 0, null, null))
                    .state(StateConfig.in(Files.createTempDirectory("phi-proxy"))).shutdownGrace(Duration.ofSeconds(2))
                    .mirror(MirrorConfig.of(pg.jdbcUrl("phi_proxy"), "phi-through-proxy-key-0123",
                            List.of(ShadowRouteConfig.builder("patients").sideEffectFree(true).methods(Set.of("GET", "POST"))
                                    .noiseSampleRate(0.5).headers(List.of("content-type", "x-patient-email")).build())))
                    .build();
            DataSource ds = pg.dataSource("phi_proxy");
            DiffQueries queries = new DiffQueries(ds, new NoiseRule(2.0, 0.05));
            String metrics;
            try (ProxyServer proxy = ProxyServer.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
                for (int i = 0; i < 4; i++) {
                    assertThat(Fixture.get(proxy.port(), "/api/patients/123-45-6789?email=jane.doe%40example.com&name=Jane+Doe"
                                    + "&dob=1984-03-07&phone=555-867-5309",
                            "X-Patient-Name", "Jane Doe", "X-Patient-Phone", "555-867-5309",
                            "Authorization", "Bearer jane.doe@example.com").statusCode()).isEqualTo(200);
                    assertThat(Fixture.send(proxy.port(), "POST", "/api/patients", String.format(PATIENT, "NEW"),
                            "Content-Type", "application/json", "X-Patient-Name", "Jane Doe").statusCode()).isEqualTo(200);
                }
                Await.await(Duration.ofSeconds(30), () -> queries.report("patients", Instant.now().minusSeconds(3600), 10)
                        .mismatches() == 8 && !queries.examples("patients", null, 10).isEmpty());
                metrics = Fixture.get(proxy.adminPort(), "/metrics").body();
                // the mirror really carried the patient data to the shadow: what we check below was at risk
                assertThat(target.received).hasSize(8).anySatisfy(r -> assertThat(r.uri()).contains("123-45-6789"));
            }

            List<String> stored = StoredText.all(ds);
            assertThat(String.join("\n", stored)).contains("hmac:").contains("CANCELLED").contains("/status");
            for (String value : stored) {
                assertThat(value).as("a stored value").doesNotContain(PHI);
            }
            assertThat(metrics).contains("strangler_proxy_mirror_requests_total").contains("strangler_shadow_comparisons_total");
            assertThat(metrics).doesNotContain(PHI);
            assertThat(logs.list).isNotEmpty();
            for (ILoggingEvent event : logs.list) {
                String line = event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
                assertThat(line).as("log line").doesNotContain(PHI);
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(before);
        }
    }
}

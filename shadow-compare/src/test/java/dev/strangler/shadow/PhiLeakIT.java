package dev.strangler.shadow;

import dev.strangler.shadow.testing.StoredText;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.store.DiffStore;
import dev.strangler.shadow.store.DiffStoreConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeds recognisable PHI through the comparator and proves none reaches the store, the logs or the metrics. */
class PhiLeakIT {

    private static final List<String> PHI = List.of("123-45-6789", "jane.doe@example.com", "555-867-5309",
            "1984-03-07", "Jane", "Doe", "42 Elm Street", "MRN-778899");

    private static LocalPostgres pg;

    @BeforeAll
    static void startPostgres() {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    private static ShadowResponse json(String body) {
        return ShadowResponse.of(200, HttpHeaders.builder().add("Content-Type", "application/json")
                .add("X-Patient-Email", "jane.doe@example.com").build(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("try") // close() mid-block: finish queued comparisons before flushing
    void noPhiInStoreLogsOrMetrics() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Level before = root.getLevel();
        root.setLevel(Level.DEBUG);
        pg.createDatabase("phi");
        DataSource ds = pg.dataSource("phi");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        String patient = "{\"patient\":{\"firstName\":\"Jane\",\"lastName\":\"Doe\",\"ssn\":\"123-45-6789\","
                + "\"email\":\"jane.doe@example.com\",\"phone\":\"555-867-5309\",\"dob\":\"1984-03-07\","
                + "\"address\":\"42 Elm Street\",\"mrn\":\"MRN-778899\"},\"note\":\"Jane Doe, 123-45-6789, call 555-867-5309\","
                + "\"status\":\"%s\",\"contacts\":{\"jane.doe@example.com\":{\"ok\":\"%s\"}}}";
        try {
            try (DiffStore store = new DiffStore(ds, DiffStoreConfig.defaults(), Clock.systemUTC(), meters);
                 ShadowComparator comparator = ShadowComparator.builder().meters(meters).sink(store)
                         .redaction(RedactionConfig.builder().hmacKey("phi-it-key-0123456789").build())
                         .routes(List.of(ShadowRouteConfig.builder("patients").build())).build()) {
                store.saveRouteConfig(comparator.routeConfig("patients").orElseThrow());
                for (int i = 0; i < 5; i++) {
                    ShadowExchange mismatch = ShadowExchange.builder("patients")
                            .request("POST", "/patients/123-45-6789/notes", "email=jane.doe%40example.com&name=Jane+Doe&dob=1984-03-07")
                            .requestHeaders(HttpHeaders.builder().add("Authorization", "Bearer MRN-778899")
                                    .add("X-Patient-Name", "Jane Doe").add("Content-Type", "application/json").build())
                            .requestBody(String.format(patient, "NEW", "NEW").getBytes(StandardCharsets.UTF_8))
                            .primary(json(String.format(patient, "BOOKED", "yes")))
                            .secondPrimary(json(String.format(patient, "BOOKED", "yes").replace("Jane\"", "Jane \"")))
                            .shadow(json(String.format(patient, "CANCELLED", "no").replace("42 Elm", "43 Elm"))).build();
                    assertThat(comparator.submit(mismatch)).isTrue();
                }
                comparator.submit(ShadowExchange.builder("patients").request("GET", "/patients/jane.doe@example.com", "")
                        .primary(json(String.format(patient, "X", "X"))).shadowFailed(ShadowOutcome.TIMEOUT).build());
                comparator.close();
                store.flush().get(10, TimeUnit.SECONDS);
            }

            List<String> stored = StoredText.all(ds);
            assertThat(stored).as("stored text").isNotEmpty();
            assertThat(String.join("\n", stored)).contains("hmac:").contains("CANCELLED")
                    .contains("/contacts/hmac:"); // a PHI object key is hashed inside the pointer too
            for (String value : stored) {
                assertThat(value).as("a stored value").doesNotContain(PHI);
            }
            for (Meter meter : meters.getMeters()) {
                String id = meter.getId().getName() + meter.getId().getTags().stream().map(Tag::getValue).toList();
                assertThat(id).doesNotContain(PHI);
            }
            assertThat(meters.get("strangler.shadow.comparisons").tag("result", "mismatch").counter().count()).isEqualTo(5);
            assertThat(logs.list).isNotEmpty();
            for (ILoggingEvent event : logs.list) {
                String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
                assertThat(line).doesNotContain(PHI);
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(before);
        }
    }
}

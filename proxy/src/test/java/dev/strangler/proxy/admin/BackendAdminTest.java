package dev.strangler.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.proxy.BackendConfig;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.backend.Backends;
import dev.strangler.proxy.backend.DnsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendAdminTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void refusesToSetEndpointsOfADnsBackendAndNamesTheFix(@TempDir Path dir) throws Exception {
        try (Backends backends = new Backends(List.of(new BackendConfig("svc", new HostPort("127.0.0.1", 1))
                .withDns(new DnsConfig("localhost", 8082, Duration.ofMinutes(5)))), new SimpleMeterRegistry())) {
            BackendAdmin admin = new BackendAdmin(backends, new FileRouteStore(
                    new RouteStateStore(dir.resolve("state.json"), json), new AuditLog(dir.resolve("audit.jsonl"), json), json),
                    Clock.systemUTC(), json);
            AdminException e = catchThrowableOfType(AdminException.class, () -> admin.setEndpoints("oncall", "svc",
                    json.readTree("{\"endpoints\":[\"http://127.0.0.1:9\"]}")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("DNS name localhost").contains("cannot be changed by hand")
                    .contains("change the DNS records");
            AdminException drain = catchThrowableOfType(AdminException.class, () -> admin.change("oncall", "svc",
                    EndpointChange.Op.DRAIN, json.readTree("{\"endpoint\":\"http://127.0.0.1:8082\"}")));
            assertThat(drain.status()).isEqualTo(400);
            AdminException empty = catchThrowableOfType(AdminException.class, () -> admin.setEndpoints("oncall", "svc",
                    json.readTree("{}")));
            assertThat(empty.status()).isEqualTo(400);
            assertThat(empty.getMessage()).contains("DNS name");
            assertThat(admin.list().path("backends").get(0).path("endpoints").get(0).path("address").asText())
                    .isEqualTo("127.0.0.1:8082");
        }
    }
}

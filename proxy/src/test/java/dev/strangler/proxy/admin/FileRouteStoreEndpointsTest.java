package dev.strangler.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.backend.EndpointOverride;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.proxy.routing.RouteTable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights and endpoint changes share the state file without overwriting each other. */
class FileRouteStoreEndpointsTest {

    private final ObjectMapper json = new ObjectMapper();
    private static final HostPort A = new HostPort("10.0.0.1", 80);
    private static final HostPort B = new HostPort("10.0.0.2", 80);

    @Test
    void endpointChangesAndWeightsSurviveEachOthersWritesAndARestart(@TempDir Path dir) {
        Path file = dir.resolve("routes-state.json");
        List<Route> routes = List.of(new Route("api", RouteMatch.prefix("/api"), "monolith", "svc", 0, null, null));
        RouteStateStore state = new RouteStateStore(file, json);
        FileRouteStore store = new FileRouteStore(state, new AuditLog(dir.resolve("audit.jsonl"), json), json);
        assertThat(store.loadEndpoints()).isEmpty();
        // Other backends' entries written by an earlier run must survive this run's first change.
        state.saveBackends(Map.of("other", new EndpointOverride(List.of(B), Set.of(), 3)));
        FileRouteStore fresh = new FileRouteStore(state, new AuditLog(dir.resolve("audit.jsonl"), json), json);
        RouteStore.EndpointCommit c = fresh.commitEndpoints(EndpointOverride.configured(List.of(A)),
                new EndpointChange("svc", EndpointChange.Op.ADD, List.of(B), null, "oncall", "scale", Instant.EPOCH));
        assertThat(c.override()).isEqualTo(new EndpointOverride(List.of(A, B), Set.of(), 1));
        assertThat(c.entry().action()).isEqualTo("add-endpoint");
        assertThat(c.entry().route()).isEqualTo("backend:svc");

        state.save(new RouteTable(1, routes).withWeights(Map.of("api", 2500)));
        assertThat(state.loadBackends()).containsOnlyKeys("other", "svc");
        FileRouteStore restarted = new FileRouteStore(state, new AuditLog(dir.resolve("audit.jsonl"), json), json);
        assertThat(restarted.loadEndpoints().get("svc")).isEqualTo(c.override());
        assertThat(restarted.load(routes).route("api").orElseThrow().weightBps()).isEqualTo(2500);
    }
}

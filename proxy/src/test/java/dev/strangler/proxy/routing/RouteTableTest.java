package dev.strangler.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final Route appointments = new Route("appointments",
            new RouteMatch("/api/appointments", null, Set.of("GET", "POST"), Map.of()), "monolith", "appts", 0, null, null);
    private final Route beta = new Route("beta",
            new RouteMatch(null, Pattern.compile("/api/patients/\\d+/visits"), Set.of(), Map.of("X-Beta", "1")),
            "monolith", null, 0, null, null);
    private final Route rest = new Route("rest", RouteMatch.prefix("/"), "monolith", null, 0, null, null);
    private final RouteTable table = new RouteTable(1, List.of(appointments, beta, rest));

    @Test
    void firstMatchWinsInDeclaredOrder() {
        var none = new DefaultHttpHeaders();
        assertThat(table.match("GET", "/api/appointments", none).id()).isEqualTo("appointments");
        assertThat(table.match("GET", "/api/appointments/7", none).id()).isEqualTo("appointments");
        assertThat(table.match("DELETE", "/api/appointments/7", none).id()).isEqualTo("rest");
        assertThat(table.match("GET", "/api/appointmentsX", none).id()).isEqualTo("rest");
        assertThat(table.match("GET", "/api/patients/12/visits", new DefaultHttpHeaders().set("X-Beta", "1")).id())
                .isEqualTo("beta");
        assertThat(table.match("GET", "/api/patients/12/visits", none).id()).isEqualTo("rest");
    }

    @Test
    void weightChangeMakesANewVersionAndLeavesTheOldSnapshotAlone() {
        RouteTable next = table.withWeight("appointments", 2500);
        assertThat(next.version()).isEqualTo(2);
        assertThat(next.route("appointments").orElseThrow().weightBps()).isEqualTo(2500);
        assertThat(table.route("appointments").orElseThrow().weightBps()).isZero();
    }

    @Test
    void everyCommittedChangeBumpsOnlyItsRoutesVersions() {
        assertThat(table.routeVersions()).containsExactly(Map.entry("appointments", 1L), Map.entry("beta", 1L),
                Map.entry("rest", 1L));
        RouteTable next = table.withWeight("appointments", 2500).withWeights(Map.of("appointments", 0, "rest", 0));
        assertThat(next.version()).isEqualTo(3);
        assertThat(next.routeVersion("appointments")).isEqualTo(3);
        assertThat(next.routeVersion("rest")).isEqualTo(2); // same weight, still a committed change
        assertThat(next.routeVersion("beta")).isEqualTo(1);
        assertThat(next.map(r -> r).routeVersions()).isEqualTo(next.routeVersions());
        assertThatThrownBy(() -> table.routeVersion("nope")).hasMessageContaining("unknown route: nope");
    }

    @Test
    void routeRejectsWeightOutOfRangeOrWithoutTarget() {
        assertThatThrownBy(() -> appointments.withWeight(12_000)).hasMessageContaining("12000 (expected: 0..10000)");
        assertThatThrownBy(() -> rest.withWeight(1)).hasMessageContaining("needs a target");
    }

    @Test
    void rewriteReplacesPrefixKeepingQuery() {
        assertThat(new PathRewrite("/api/appointments", "/v2/appointments").apply("/api/appointments/3?x=1"))
                .isEqualTo("/v2/appointments/3?x=1");
    }
}

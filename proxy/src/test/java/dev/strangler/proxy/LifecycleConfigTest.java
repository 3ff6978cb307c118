package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.strangler.proxy.guard.GuardConfig;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config keys of the proxy's lifecycle: shutdown, listen.reusePort, routes[].guard, webSocketIdleTimeout. */
class LifecycleConfigTest {

    private static final String BASE = """
            listen: 127.0.0.1:8080
            backends:
              monolith: http://127.0.0.1:8081
              appointments: http://127.0.0.1:8082
            routes:
              - id: appointments
                match: { pathPrefix: /api/appointments }
                legacy: monolith
                target: appointments
              - id: rest
                match: { pathPrefix: / }
                legacy: monolith
            """;

    private static ProxyConfig parse(String yaml) {
        return ProxyConfigLoader.parse(new StringReader(yaml), "strangler.yaml", Path.of("/tmp"), Map.<String, String>of()::get);
    }

    private static List<String> errors(String yaml) {
        ProxyConfigException e = catchThrowableOfType(ProxyConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected config errors").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void defaultsAreDrainDelay5sGrace10sNoReusePortNoGuardsAndAnHourForWebSockets() {
        ProxyConfig c = parse(BASE);
        assertThat(c.shutdown()).isEqualTo(new ShutdownConfig(Duration.ofSeconds(5), Duration.ofSeconds(10)));
        assertThat(c.reusePort()).isFalse();
        assertThat(c.guards()).isEmpty();
        assertThat(c.limits().webSocketIdleTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void readsShutdownListenLongFormGuardAndWebSocketIdleTimeout() {
        ProxyConfig c = parse(BASE.replace("listen: 127.0.0.1:8080", """
                        listen: { address: 0.0.0.0:8080, reusePort: true }
                        shutdown: { drainDelay: 0s, grace: 30s }
                        limits: { webSocketIdleTimeout: 2h }""")
                .replace("    target: appointments\n", """
                            target: appointments
                            guard: { window: 30s, minRequests: 100, maxErrorRatio: 0.01, maxP99: 250ms }
                        """));
        assertThat(c.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
        assertThat(c.reusePort()).isTrue();
        assertThat(c.shutdown()).isEqualTo(new ShutdownConfig(Duration.ZERO, Duration.ofSeconds(30)));
        assertThat(c.limits().webSocketIdleTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(c.guards()).containsEntry("appointments",
                new GuardConfig(Duration.ofSeconds(30), 100, 0.01, Duration.ofMillis(250)));
    }

    @Test
    void emptyGuardTakesTheDefaultsAndMaxP99CanBeSwitchedOff() {
        ProxyConfig c = parse(BASE.replace("    target: appointments\n", "    target: appointments\n    guard: {}\n"));
        assertThat(c.guards().get("appointments")).isEqualTo(GuardConfig.defaults());
        ProxyConfig off = parse(BASE.replace("    target: appointments\n", "    target: appointments\n    guard: { maxP99: off }\n"));
        assertThat(off.guards().get("appointments").maxP99()).isNull();
    }

    @Test
    void oldShutdownGraceKeyStillWorksButNotTogetherWithShutdownGrace() {
        assertThat(parse(BASE + "shutdownGrace: 20s\n").shutdown().grace()).isEqualTo(Duration.ofSeconds(20));
        assertThat(errors(BASE + "shutdownGrace: 20s\nshutdown: { grace: 30s }\n")).containsExactly(
                "strangler.yaml:13: shutdownGrace: given together with shutdown.grace "
                        + "(expected: only shutdown.grace; shutdownGrace is its old name)");
    }

    @Test
    void badValuesNameKeyAndLine() {
        String bad = BASE.replace("listen: 127.0.0.1:8080", """
                        listen: { address: 127.0.0.1:8080, reusePort: yes, backlog: 5 }
                        shutdown: { drainDelay: soon, grase: 1s }""")
                .replace("    target: appointments\n", """
                            target: appointments
                            guard: { window: 1500ms, maxErrorRatio: 5, minRequests: 0, windw: 1s }
                        """)
                .replace("    legacy: monolith\n\n", "");
        assertThat(errors(bad + "  - id: rest2\n    match: { pathPrefix: /x }\n    legacy: monolith\n    guard: {}\n"))
                .containsExactly(
                        "strangler.yaml:1: listen.backlog: unknown key (expected one of: address, reusePort)",
                        "strangler.yaml:1: listen.reusePort: 'yes' (expected: true or false)",
                        "strangler.yaml:2: shutdown.grase: unknown key (did you mean 'grace'? expected one of: drainDelay, grace)",
                        "strangler.yaml:2: shutdown.drainDelay: 'soon' (expected: a positive duration such as 500ms, 10s, 2m, 1h)",
                        "strangler.yaml:11: routes[0].guard.windw: unknown key (did you mean 'window'? expected one of: maxErrorRatio, maxP99, minRequests, window)",
                        "strangler.yaml:11: routes[0].guard.window: 1500 ms (expected: whole seconds, 1s..1h)",
                        "strangler.yaml:11: routes[0].guard.minRequests: 0 (expected: 1..100000000)",
                        "strangler.yaml:11: routes[0].guard.maxErrorRatio: '5' (expected: a ratio 0..1, e.g. 0.05 for 5 %)",
                        "strangler.yaml:18: routes[2].guard: route 'rest2' has no target; a guard watches the target's answers (add target: NAME or remove guard)");
    }
}

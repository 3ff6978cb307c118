package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.Primary;
import dev.strangler.shadow.diff.ArrayMode;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowConfigLoaderTest {

    private static final String BASE = """
            backends:
              monolith: http://127.0.0.1:8081
              appointments: http://127.0.0.1:8082
            routes:
              - id: appointments
                match: { pathPrefix: /appointments }
                legacy: monolith
                target: appointments
            %s
            """;

    @TempDir
    Path dir;

    private ProxyConfig parse(String yaml) {
        return ProxyConfigLoader.parse(new StringReader(yaml), "strangler.yaml", dir,
                Map.of("STRANGLER_SHADOW_HMAC_KEY", "key-from-the-environment-123")::get);
    }

    private List<String> errors(String yaml) {
        ProxyConfigException e = catchThrowableOfType(ProxyConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected config errors").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void readsEveryShadowKeyAndTheStoreWithSecretsFromEnvAndFile() throws Exception {
        Files.writeString(dir.resolve("store-url"), "jdbc:postgresql://db:5432/diffs?user=shadow&password=hunter2\n");
        ProxyConfig c = parse(BASE.formatted("""
                shadow:
                  sampleRate: 0.25
                  methods: [GET, POST]
                  sideEffectFree: true
                  primary: legacy
                  noiseSampleRate: 0.5
                  ignore: [/meta/requestId, /items/*/etag]
                  arrays: [{path: /items, mode: keyed, key: id}, {path: /tags, mode: unordered}]
                  numberTolerance: 0.001
                  headers: [content-type, date]
            shadowStore:
              jdbcUrl: ${file:store-url}
            shadowHmacKey: ${env:STRANGLER_SHADOW_HMAC_KEY}
            mirror: { maxConcurrent: 32, queueCapacity: 100, timeout: 2s, maxBodyBytes: 64KiB, compareWorkers: 2 }
            """));

        MirrorConfig m = c.mirror();
        ShadowRouteConfig s = m.routes().get(0);
        assertThat(s.route()).isEqualTo("appointments");
        assertThat(s.sampleRate()).isEqualTo(0.25);
        assertThat(s.methods()).containsExactlyInAnyOrder("GET", "POST");
        assertThat(s.primary()).isEqualTo(Primary.LEGACY);
        assertThat(s.ignore()).containsExactly("/meta/requestId", "/items/*/etag");
        assertThat(s.arrays()).extracting(a -> a.mode()).containsExactly(ArrayMode.KEYED, ArrayMode.UNORDERED);
        assertThat(s.headers()).containsExactly("content-type", "date");
        assertThat(m.storeJdbcUrl()).endsWith("password=hunter2");
        assertThat(m.hmacKey()).isEqualTo("key-from-the-environment-123");
        assertThat(m.maxConcurrent()).isEqualTo(32);
        assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(m.maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(c.toString()).doesNotContain("hunter2", "key-from-the-environment").contains("password=****");
    }

    @Test
    void defaultsMirrorGetAndHeadToTheSideTheClientDidNotGet() {
        ProxyConfig c = parse(BASE.formatted("""
                shadow: {}
            shadowStore: { jdbcUrl: "jdbc:postgresql://db/diffs" }
            shadowHmacKey: 0123456789abcdef
            """));
        ShadowRouteConfig s = c.mirror().routes().get(0);
        assertThat(s.methods()).containsExactlyInAnyOrder("GET", "HEAD");
        assertThat(s.primary()).isEqualTo(Primary.EITHER);
        assertThat(s.sampleRate()).isEqualTo(1.0);
        assertThat(c.mirror().maxBodyBytes()).isEqualTo(256 * 1024);
    }

    @Test
    void namesFileLineAndKeyOfEveryShadowMistake() {
        List<String> errors = errors(BASE.formatted("""
                shadow:
                  sampleRate: 1.5
                  methods: [GET, POST]
                  primary: monolith
                  ignroe: [/x]
            mirror: { timeout: soon }
            """));
        assertThat(errors).contains(
                "strangler.yaml:10: routes[0].shadow.sampleRate: '1.5' (expected: a number 0..1)",
                "strangler.yaml:11: routes[0].shadow.methods: POST is a write (expected: only GET, HEAD, OPTIONS unless"
                        + " sideEffectFree: true declares the target side-effect free)",
                "strangler.yaml:12: routes[0].shadow.primary: 'monolith' (expected: legacy, target or either)",
                "strangler.yaml:14: mirror.timeout: 'soon' (expected: a positive duration such as 500ms, 10s, 2m, 1h)");
        assertThat(errors).anyMatch(e -> e.startsWith("strangler.yaml:13: routes[0].shadow.ignroe: unknown key (did you mean 'ignore'?"));
    }

    @Test
    void shadowNeedsAStoreAKeyAndATarget() {
        List<String> errors = errors("""
                backends:
                  monolith: http://127.0.0.1:8081
                routes:
                  - id: legacy-only
                    match: { pathPrefix: /x }
                    legacy: monolith
                    shadow: {}
                  - id: other
                    match: { pathPrefix: / }
                    legacy: monolith
                shadowHmacKey: short
                """);
        assertThat(errors).contains("strangler.yaml:7: routes[0].shadow: needs a target backend on the route"
                        + " (the side compared with the monolith)",
                "strangler.yaml:11: shadowHmacKey: too short: 5 bytes (expected: at least 16; e.g."
                        + " ${env:STRANGLER_SHADOW_HMAC_KEY} or ${file:shadow-hmac.key})");

        List<String> noStore = errors(BASE.formatted("    shadow: {}\n"));
        assertThat(noStore).anyMatch(e -> e.startsWith("strangler.yaml:5: shadowStore: missing: routes with shadow need"));
        assertThat(noStore).anyMatch(e -> e.startsWith("strangler.yaml:5: shadowHmacKey: missing"));
    }

    @Test
    void legacyNormalizersNameTopLevelNormalizersThatReshapeTheLegacyAnswer() {
        ProxyConfig c = parse(BASE.formatted("""
                shadow: { legacyNormalizers: [appointments-v1] }
            shadowStore: { jdbcUrl: "jdbc:postgresql://db/diffs" }
            shadowHmacKey: 0123456789abcdef
            normalizers:
              appointments-v1:
                - rename: { from: /items/*/appt_status, to: status }
                - mapValues: { pointer: /items/*/status, codes: { B: BOOKED, C: CANCELLED } }
                - remove: /legacy_flags
            """));
        assertThat(c.mirror().routes().get(0).legacyNormalizers()).containsExactly("appointments-v1");
        assertThat(c.mirror().normalizers().names()).containsExactly("appointments-v1");
        var tree = dev.strangler.shadow.diff.ResponseDiff.parse(
                "{\"items\":[{\"appt_status\":\"B\"},{\"appt_status\":\"X\"}],\"legacy_flags\":1}".getBytes());
        assertThat(c.mirror().normalizers().chain(List.of("appointments-v1")).normalize(tree).toString())
                .isEqualTo("{\"items\":[{\"status\":\"BOOKED\"},{\"status\":\"X\"}]}");
    }

    @Test
    void namesFileLineAndKeyOfEveryNormalizerMistake() {
        List<String> errors = errors(BASE.formatted("""
                shadow: { legacyNormalizers: [appointments-v1, nope] }
            shadowStore: { jdbcUrl: "jdbc:postgresql://db/diffs" }
            shadowHmacKey: 0123456789abcdef
            normalizers:
              appointments-v1:
                - rename: { from: items/status, to: state }
                - mapValues: { pointer: /status }
                - remvoe: /x
                - { remove: /a, rename: { from: /b, to: c } }
              empty: []
            """));
        assertThat(errors).contains(
                "strangler.yaml:9: routes[0].shadow.legacyNormalizers[1]: 'nope' is not declared (expected one of:"
                        + " appointments-v1, empty; declare it under the top-level normalizers: key)",
                "strangler.yaml:15: normalizers.appointments-v1[1].mapValues.codes: missing (required: a mapping of"
                        + " legacy value: new value)",
                "strangler.yaml:17: normalizers.appointments-v1[3]: one step per list item (expected exactly one of:"
                        + " mapValues, remove, rename)",
                "strangler.yaml:18: normalizers.empty: no steps (expected: a list of rename, mapValues or remove)");
        assertThat(errors).anyMatch(e -> e.startsWith("strangler.yaml:14: normalizers.appointments-v1[0].rename: ")
                && e.contains("items/status"));
        assertThat(errors).anyMatch(e -> e.startsWith("strangler.yaml:16: normalizers.appointments-v1[2].remvoe: unknown key"
                + " (did you mean 'remove'?"));
    }

    @Test
    void refusesWritesThatWouldReachTheMonolith() {
        List<String> errors = errors(BASE.formatted("""
                shadow: { primary: target, sideEffectFree: true, methods: [GET, DELETE] }
            shadowStore: { jdbcUrl: "jdbc:postgresql://db/diffs" }
            shadowHmacKey: 0123456789abcdef
            """));
        assertThat(errors).singleElement().asString().contains("routes[0].shadow.methods: DELETE with primary: target"
                + " would send writes to the monolith");
    }
}

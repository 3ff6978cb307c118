package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.Sticky;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyConfigLoaderTest {

    private static final String VALID = """
            listen: 127.0.0.1:8080
            threads: 1
            admin:
              listen: 127.0.0.1:9901
              tokens:
                oncall: ${env:STRANGLER_TOKEN}
                viewer: { secret: viewer-secret-1, role: viewer }
            backends:
              monolith: http://127.0.0.1:8081
              appointments: http://127.0.0.1:8082
            routes:
              - id: appointments
                match: { pathPrefix: /api/appointments, methods: [GET, POST, PUT, DELETE] }
                legacy: monolith
                target: appointments
                weightBps: 2500
                sticky: { header: X-Patient-Id }
                rewrite: { prefix: /api/appointments, replacement: /v2/appointments }
              - id: everything-else
                match: { pathPrefix: / }
                legacy: monolith
            limits:
              maxBodyBytes: 10MiB
              headerTimeout: 500ms
            """;

    @TempDir
    Path dir;

    private static ProxyConfig parse(String yaml, Map<String, String> env) {
        return ProxyConfigLoader.parse(new StringReader(yaml), "strangler.yaml", Path.of("/tmp"), env::get);
    }

    private static List<String> errors(String yaml) {
        ProxyConfigException e = catchThrowableOfType(ProxyConfigException.class,
                () -> parse(yaml, Map.of("STRANGLER_TOKEN", "s3cret-token")));
        assertThat(e).as("expected config errors").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void readsEveryKeyOfTheContract() {
        ProxyConfig c = parse(VALID, Map.of("STRANGLER_TOKEN", "s3cret-token"));
        assertThat(c.listen()).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(c.threads()).isEqualTo(1);
        assertThat(c.admin().tokens().get("oncall").secret()).isEqualTo("s3cret-token");
        assertThat(c.admin().tokens().get("viewer").role()).isEqualTo(AdminToken.Role.VIEWER);
        assertThat(c.backends().get("appointments").address()).isEqualTo(new HostPort("127.0.0.1", 8082));
        Route r = c.routes().get(0);
        assertThat(r.weightBps()).isEqualTo(2500);
        assertThat(r.sticky()).isEqualTo(new Sticky(Sticky.Source.HEADER, "X-Patient-Id"));
        assertThat(r.match().methods()).containsExactlyInAnyOrder("GET", "POST", "PUT", "DELETE");
        assertThat(r.rewrite().replacement()).isEqualTo("/v2/appointments");
        assertThat(c.routes().get(1).target()).isNull();
        assertThat(c.limits().maxBodyBytes()).isEqualTo(10L << 20);
        assertThat(c.limits().headerTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void toStringMasksSecrets() {
        ProxyConfig c = parse(VALID, Map.of("STRANGLER_TOKEN", "s3cret-token"));
        assertThat(c.toString()).doesNotContain("s3cret-token").doesNotContain("viewer-secret-1").contains("****");
    }

    @Test
    void readsTheControlPlaneAndMasksItsPassword() {
        ProxyConfig off = parse(VALID, Map.of("STRANGLER_TOKEN", "s3cret-token"));
        assertThat(off.controlPlane().enabled()).isFalse();

        ProxyConfig c = parse(VALID + """
                controlPlane:
                  jdbcUrl: jdbc:postgresql://db.internal:5432/strangler?user=proxy&password=${env:PGPASS}
                  connectTimeout: 3s
                  reconnectMaxBackoff: 10s
                """, Map.of("STRANGLER_TOKEN", "s3cret-token", "PGPASS", "hunter2hunter2"));
        assertThat(c.controlPlane().jdbcUrl()).endsWith("password=hunter2hunter2");
        assertThat(c.controlPlane().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.controlPlane().reconnectMaxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.toString()).doesNotContain("hunter2").contains("password=****");
        assertThat(ControlPlaneConfig.OFF.withJdbcUrl("jdbc:postgresql://proxy:pw1234@db/x").maskedUrl())
                .isEqualTo("jdbc:postgresql://proxy:****@db/x");
    }

    @Test
    void rejectsAControlPlaneUrlThatIsNotPostgres() {
        assertThat(errors(VALID + "controlPlane:\n  jdbcUrl: jdbc:mysql://db/x\n  connectTimout: 1s\n")).containsExactly(
                "strangler.yaml:26: controlPlane.jdbcUrl: 'jdbc:mysql://db/x' (expected: jdbc:postgresql://host:port/database?user=NAME)",
                "strangler.yaml:27: controlPlane.connectTimout: unknown key (did you mean 'connectTimeout'? expected one of:"
                        + " connectTimeout, jdbcUrl, reconnectMaxBackoff)");
    }

    @Test
    void weightOutOfRangeNamesKeyAndLine() {
        assertThat(errors(VALID.replace("weightBps: 2500", "weightBps: 12000")))
                .containsExactly("strangler.yaml:16: routes[0].weightBps: 12000 (expected: 0..10000)");
    }

    @Test
    void reportsAllErrorsAtOnceInLineOrder() {
        String bad = VALID.replace("threads: 1", "threadz: 1")
                .replace("legacy: monolith\n    target", "legacy: mono\n    target")
                .replace("methods: [GET, POST, PUT, DELETE]", "methods: [GET, FETCH]")
                .replace("headerTimeout: 500ms", "headerTimeout: soon");
        assertThat(errors(bad)).containsExactly(
                "strangler.yaml:2: threadz: unknown key (did you mean 'threads'? expected one of: "
                        + "admin, backends, controlPlane, limits, listen, metrics, mirror, normalizers, routes, shadowHmacKey, shadowStore, shutdown, shutdownGrace, state, threads)",
                "strangler.yaml:13: routes[0].match.methods[1]: 'FETCH' (expected one of: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE)",
                "strangler.yaml:14: routes[0].legacy: 'mono' is not a declared backend (known: monolith, appointments)",
                "strangler.yaml:24: limits.headerTimeout: 'soon' (expected: a positive duration such as 500ms, 10s, 2m, 1h)");
    }

    @Test
    void missingEnvironmentVariableIsAnErrorUnlessAFallbackIsGiven() {
        ProxyConfigException e = catchThrowableOfType(ProxyConfigException.class, () -> parse(VALID, Map.of()));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "strangler.yaml:6: admin.tokens.oncall: environment variable STRANGLER_TOKEN is not set "
                        + "(set it, or write ${env:STRANGLER_TOKEN:-default} for a fallback)");
        ProxyConfig c = parse(VALID.replace("${env:STRANGLER_TOKEN}", "${env:STRANGLER_TOKEN:-fallback-token}"), Map.of());
        assertThat(c.admin().tokens().get("oncall").secret()).isEqualTo("fallback-token");
    }

    @Test
    void secretsCanComeFromFiles() throws IOException {
        Files.writeString(dir.resolve("token.txt"), "from-a-file-123\n");
        Path config = dir.resolve("strangler.yaml");
        Files.writeString(config, VALID.replace("${env:STRANGLER_TOKEN}", "${file:token.txt}"));
        ProxyConfig c = ProxyConfigLoader.load(config, Map.<String, String>of()::get);
        assertThat(c.admin().tokens().get("oncall").secret()).isEqualTo("from-a-file-123");
        assertThat(c.state().stateFile()).isEqualTo(dir.resolve("strangler-state").resolve("routes-state.json"));
    }

    @Test
    void structuralProblemsAreReportedWithLines() {
        assertThat(errors("listen: [a, b]\nbackends: {}\nroutes: []\n")).containsExactly(
                "strangler.yaml:1: listen: a list (expected: a single value)");
        assertThat(errors("backends:\n  m: ftp://x\nroutes:\n  - id: a\n    legacy: m\n")).containsExactly(
                "strangler.yaml:2: backends.m: 'ftp://x' (expected: http://host:port, e.g. http://127.0.0.1:8081)",
                "strangler.yaml:4: routes[0].match: missing (required: e.g. match: { pathPrefix: / })",
                "strangler.yaml:5: routes[0].legacy: 'm' is not a declared backend (known: )");
        assertThat(errors("listen: 1.2.3.4:80\nlisten: 1.2.3.4:81\nbackends: {m: 'http://h:1'}\nroutes: []\n"))
                .containsExactly("strangler.yaml:2: listen: duplicate key (first declared on line 1)");
        assertThat(errors("routes: [\n")).singleElement().asString().startsWith("strangler.yaml:1: not valid YAML");
    }

    @Test
    void weightWithoutTargetAndStickyWithTwoSourcesAreRejected() {
        String yaml = """
                backends: { m: 'http://127.0.0.1:1' }
                routes:
                  - id: a
                    match: { pathPrefix: / }
                    legacy: m
                    weightBps: 10
                    sticky: { header: X, cookie: y }
                """;
        assertThat(errors(yaml)).containsExactly(
                "strangler.yaml:6: routes[0].weightBps: 10 needs a target backend (add target: NAME or set 0)",
                "strangler.yaml:7: routes[0].sticky: needs exactly one of header, cookie, jwtClaim (found 2)");
    }

    @Test
    void unreadableFileIsOneError() {
        ProxyConfigException e = catchThrowableOfType(ProxyConfigException.class,
                () -> ProxyConfigLoader.load(dir.resolve("nope.yaml")));
        assertThat(e.errors()).singleElement().asString().contains("nope.yaml: cannot read config file");
    }
}

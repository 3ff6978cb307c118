package dev.strangler.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One clear line and exit 1 for every way the admin API can fail; stack traces only with --verbose. */
class AdminErrorsIT {
    private static FakeAdminApi api;

    @TempDir
    Path home;

    @BeforeAll
    static void startApi() {
        api = new FakeAdminApi();
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    private CliRun cli(String token) {
        CliRun cli = new CliRun(home).env("STRANGLER_ADMIN_URL", api.url());
        return token == null ? cli : cli.env("STRANGLER_TOKEN", token);
    }

    @Test
    void unreachableProxyNamesTheUrlAndHowToFixIt() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens here once the socket is closed
        }
        Result r = new CliRun(home).run("routes", "list", "--admin", "http://127.0.0.1:" + closedPort);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("strangler: cannot reach the proxy admin API at http://127.0.0.1:" + closedPort
                + " (connection refused): is `strangler proxy` running? set --admin or STRANGLER_ADMIN_URL\n");
    }

    @Test
    void verboseAddsStackTraceAndRequestTrace() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Result r = new CliRun(home).run("routes", "list", "--admin", "http://127.0.0.1:" + closedPort, "--verbose");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("> GET http://127.0.0.1:" + closedPort + "/api/routes\n")
                .contains("strangler: cannot reach the proxy admin API")
                .contains("java.net.ConnectException");
        Result before = new CliRun(home).run("--verbose", "routes", "list", "--admin", "http://127.0.0.1:" + closedPort);
        assertThat(before.exit()).isEqualTo(1);
        assertThat(before.err()).contains("java.net.ConnectException"); // --verbose works before the subcommand too
    }

    @Test
    void rejectedTokenNamesWhereTheTokenCameFrom() {
        Result r = cli("wrong").run("routes", "set-weight", "appointments", "10%");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strangler: the admin API rejected the token (401): set STRANGLER_TOKEN or"
                + " --token-file (the rejected token came from STRANGLER_TOKEN)\n");
        assertThat(r.err()).doesNotContain("wrong");
    }

    @Test
    void viewerTokenIsForbiddenToMutate() {
        Result r = cli(FakeAdminApi.VIEWER).run("rollback", "appointments", "--reason", "x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strangler: the admin API refused POST /api/rollback for this token (403):"
                + " token 'dashboard' has role viewer: may only read; use a token with role operator"
                + " (token from STRANGLER_TOKEN)\n");
    }

    @Test
    void slowProxyTimesOut() {
        api.server().stubFor(get(urlEqualTo("/api/routes/slow"))
                .willReturn(FakeAdminApi.json(200, "{}").withFixedDelay(1_500)));

        Result r = cli(null).run("routes", "show", "slow", "--timeout", "200ms");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strangler: the proxy admin API at " + api.url() + " did not answer"
                + " GET /api/routes/slow within 200ms: is the proxy overloaded? retry, or raise --timeout\n");
    }

    @Test
    void somethingOtherThanTheAdminApiIsReportedAsSuch() {
        api.server().stubFor(get(urlEqualTo("/api/routes/html"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withBody("<html>hello</html>")));
        api.server().stubFor(get(urlEqualTo("/other/api/routes"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(404)));

        Result html = cli(null).run("routes", "show", "html");
        Result wrongBase = cli(null).run("routes", "list", "--admin", api.url() + "/other/");

        assertThat(html.exit()).isEqualTo(1);
        assertThat(html.err()).isEqualTo("strangler: the admin API at " + api.url() + " answered GET /api/routes/html"
                + " with something other than JSON: is --admin (STRANGLER_ADMIN_URL) pointing at the proxy's admin port?\n");
        assertThat(wrongBase.exit()).isEqualTo(1);
        assertThat(wrongBase.err()).isEqualTo("strangler: the admin API at " + api.url() + "/other has no"
                + " GET /api/routes (404): is --admin (--admin) pointing at the proxy's admin port?\n");
    }

    @Test
    void serverErrorShowsTheServersMessage() {
        api.server().stubFor(get(urlEqualTo("/api/routes/broken"))
                .willReturn(FakeAdminApi.error(500, "internal", "route table store unavailable")));

        Result r = cli(null).run("routes", "show", "broken");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strangler: the admin API failed on GET /api/routes/broken (500):"
                + " route table store unavailable\n");
    }

    @Test
    void badAdminUrlIsUsageNamingItsSource() {
        Result flag = new CliRun(home).run("routes", "list", "--admin", "127.0.0.1:9901");
        Result env = new CliRun(home).env("STRANGLER_ADMIN_URL", "ftp://x").run("routes", "list");

        assertThat(flag.exit()).isEqualTo(2);
        assertThat(flag.err()).isEqualTo("strangler: --admin '127.0.0.1:9901': not an http(s) URL"
                + " (expected e.g. http://127.0.0.1:9901)\n");
        assertThat(env.exit()).isEqualTo(2);
        assertThat(env.err()).startsWith("strangler: STRANGLER_ADMIN_URL 'ftp://x': not an http(s) URL");
    }
}

package dev.strangler.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;

/**
 * A WireMock stand-in for the proxy's admin API, answering as docs/admin-api.md specifies: two
 * routes, tokens {@code op-secret} (operator), {@code view-secret} (viewer); anything else is 401.
 * The proxy itself is not what these tests check; the CLI's requests and rendering are.
 */
public final class FakeAdminApi implements AutoCloseable {
    public static final String OPERATOR = "op-secret";
    public static final String VIEWER = "view-secret";

    public static final String APPOINTMENTS = """
            {"id":"appointments",
             "match":{"pathPrefix":"/api/appointments","pathPattern":null,"methods":["GET","POST"],"headers":{}},
             "legacy":"monolith","target":"appointments","weightBps":2500,
             "sticky":{"header":"X-Patient-Id"},
             "rewrite":{"prefix":"/api/appointments","replacement":"/v2/appointments"}}""";
    public static final String BILLING = """
            {"id":"billing",
             "match":{"pathPrefix":null,"pathPattern":"/api/billing/{id}","methods":[],"headers":{}},
             "legacy":"monolith","target":null,"weightBps":0,"sticky":null,"rewrite":null}""";

    private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    public FakeAdminApi() {
        server.start();
        stubReads();
        stubMutations();
        stubAudit();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The WireMock server, to verify requests or add stubs. */
    public WireMockServer server() {
        return server;
    }

    private void stubReads() {
        server.stubFor(get(urlEqualTo("/api/routes"))
                .willReturn(json(200, "{\"version\":7,\"routes\":[" + APPOINTMENTS + "," + BILLING + "]}")));
        server.stubFor(get(urlMatching("/api/routes/[^/]+")).atPriority(10)
                .willReturn(error(404, "not_found", "route 'nope' not found (known: appointments, billing)")));
        server.stubFor(get(urlEqualTo("/api/routes/appointments")).willReturn(json(200, APPOINTMENTS)));
        server.stubFor(get(urlEqualTo("/api/routes/billing")).willReturn(json(200, BILLING)));
    }

    private void stubMutations() {
        // Lowest priority first: no token -> 401, unknown token -> 401, viewer -> 403.
        for (MappingBuilder m : new MappingBuilder[] {put(urlMatching("/api/routes/.*/weight")), post(urlEqualTo("/api/rollback"))}) {
            server.stubFor(m.atPriority(9).willReturn(error(401, "unauthorized", "missing or unknown bearer token")));
        }
        server.stubFor(put(urlMatching("/api/routes/.*/weight")).atPriority(8)
                .withHeader("Authorization", equalTo("Bearer " + VIEWER))
                .willReturn(error(403, "forbidden", "token 'dashboard' has role viewer: may only read")));
        server.stubFor(post(urlEqualTo("/api/rollback")).atPriority(8)
                .withHeader("Authorization", equalTo("Bearer " + VIEWER))
                .willReturn(error(403, "forbidden", "token 'dashboard' has role viewer: may only read")));
        server.stubFor(put(urlMatching("/api/routes/[^/]+/weight")).atPriority(7)
                .withHeader("Authorization", equalTo("Bearer " + OPERATOR))
                .willReturn(error(404, "not_found", "route 'nope' not found (known: appointments, billing)")));
        server.stubFor(put(urlEqualTo("/api/routes/appointments/weight")).atPriority(5)
                .withHeader("Authorization", equalTo("Bearer " + OPERATOR))
                .withRequestBody(matchingJsonPath("$.weightBps"))
                .willReturn(json(200, "{\"route\":" + APPOINTMENTS.replace("\"weightBps\":2500", "\"weightBps\":1250")
                        + ",\"previousWeightBps\":2500,\"version\":8}")));
        server.stubFor(put(urlEqualTo("/api/routes/billing/weight")).atPriority(5)
                .withHeader("Authorization", equalTo("Bearer " + OPERATOR))
                .willReturn(error(400, "bad_request",
                        "route 'billing' has no target: weightBps must be 0 (declare a target first)")));
        server.stubFor(post(urlEqualTo("/api/rollback")).atPriority(5)
                .withHeader("Authorization", equalTo("Bearer " + OPERATOR))
                .withRequestBody(matchingJsonPath("$.route", equalTo("appointments")))
                .willReturn(json(200, "{\"rolledBack\":[{\"id\":\"appointments\",\"previousWeightBps\":2500}],"
                        + "\"closedWebSockets\":0,\"version\":9}")));
        server.stubFor(post(urlEqualTo("/api/rollback")).atPriority(5)
                .withHeader("Authorization", equalTo("Bearer " + OPERATOR))
                .withRequestBody(matchingJsonPath("$.all", equalTo("true")))
                .willReturn(json(200, "{\"rolledBack\":[{\"id\":\"appointments\",\"previousWeightBps\":2500},"
                        + "{\"id\":\"video\",\"previousWeightBps\":10000}],\"closedWebSockets\":3,\"version\":10}")));
        server.stubFor(post(urlEqualTo("/api/rollback")).atPriority(6)
                .withHeader("Authorization", equalTo("Bearer " + OPERATOR))
                .withRequestBody(matchingJsonPath("$.route", equalTo("nope")))
                .willReturn(error(404, "not_found", "route 'nope' not found (known: appointments, billing)")));
    }

    private void stubAudit() {
        server.stubFor(get(urlPathEqualTo("/api/audit")).atPriority(9)
                .withHeader("Authorization", absent())
                .willReturn(error(401, "unauthorized", "GET /api/audit needs a bearer token")));
        for (String token : new String[] {OPERATOR, VIEWER}) {
            server.stubFor(get(urlPathEqualTo("/api/audit")).atPriority(5)
                    .withHeader("Authorization", equalTo("Bearer " + token))
                    .willReturn(json(200, """
                            {"entries":[
                             {"time":"2026-11-28T04:20:00.123Z","actor":"oncall","action":"set-weight",
                              "route":"appointments","before":{"weightBps":0},"after":{"weightBps":2500},
                              "reason":"ramp step 3"},
                             {"time":"2026-11-28T04:25:10.000Z","actor":"oncall","action":"rollback-all",
                              "route":null,"before":{"weightBps":2500},"after":{"weightBps":0},"reason":""}]}""")));
        }
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int status, String code, String message) {
        return json(status, "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}");
    }

    @Override
    public void close() {
        server.stop();
    }
}

package dev.strangler.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Client for the proxy's admin API (contract: docs/admin-api.md). Every method returns the server's
 * JSON document; every failure becomes a {@link CliException} with one line that says what
 * happened and what to do (exit 1).
 */
public final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminSettings settings;
    private final HttpClient http;
    private final PrintWriter trace;

    /**
     * @param settings where and how to connect
     * @param trace    receives one line per request and response (no token, no body); null for none
     */
    public AdminClient(AdminSettings settings, PrintWriter trace) {
        this.settings = requireNonNull(settings, "settings");
        this.trace = trace;
        this.http = HttpClient.newBuilder()
                // Plain HTTP/1.1: the admin API is HTTP/1.1 and an h2c upgrade attempt only adds headers.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The settings this client uses. */
    public AdminSettings settings() {
        return settings;
    }

    /** {@code GET /api/routes}: {@code {"version":7,"routes":[...]}}. */
    public JsonNode routes() {
        return send("GET", "/api/routes", null);
    }

    /** {@code GET /api/backends}: {@code {"backends":[...]}} with endpoint states. */
    public JsonNode backends() {
        return send("GET", "/api/backends", null);
    }

    /**
     * An endpoint change: {@code PUT /api/backends/{name}/endpoints} for {@code op} "endpoints",
     * else {@code POST /api/backends/{name}/{op}} (add, remove, drain). Answers {@code {"backend":{...}}}.
     */
    public JsonNode changeEndpoints(String backend, String op, ObjectNode body) {
        return send(op.equals("endpoints") ? "PUT" : "POST", "/api/backends/" + segment(backend) + "/" + op, body);
    }

    /** {@code GET /api/routes/{id}}: one route. */
    public JsonNode route(String id) {
        return send("GET", "/api/routes/" + segment(id), null);
    }

    /** {@code PUT /api/routes/{id}/weight}: {@code {"route":...,"previousWeightBps":...,"version":...}}. */
    public JsonNode setWeight(String id, int weightBps, String reason) {
        return setWeight(id, weightBps, reason, null);
    }

    /**
     * {@code PUT /api/routes/{id}/weight} with {@code expectedVersion} (null: none): the proxy
     * answers 409 when the route is no longer at that version.
     */
    public JsonNode setWeight(String id, int weightBps, String reason, Long expectedVersion) {
        ObjectNode body = JSON.createObjectNode().put("weightBps", weightBps);
        if (reason != null) {
            body.put("reason", reason);
        }
        if (expectedVersion != null) {
            body.put("expectedVersion", expectedVersion);
        }
        return send("PUT", "/api/routes/" + segment(id) + "/weight", body);
    }

    /** {@code POST /api/rollback} for one route, or for every route when {@code routeId} is null. */
    public JsonNode rollback(String routeId, String reason, boolean force) {
        ObjectNode body = JSON.createObjectNode();
        if (routeId == null) {
            body.put("all", true);
        } else {
            body.put("route", routeId);
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("force", force);
        return send("POST", "/api/rollback", body);
    }

    /** {@code GET /api/audit?limit=N}: {@code {"entries":[...]}}, newest last; needs a token. */
    public JsonNode audit(int limit) {
        return audit(null, 0, limit);
    }

    /**
     * {@code GET /api/audit} with filters: entries of {@code route} (null: all) with a seq above
     * {@code afterSeq} (0: all), the newest {@code limit}, oldest first.
     */
    public JsonNode audit(String route, long afterSeq, int limit) {
        StringBuilder path = new StringBuilder("/api/audit?limit=").append(limit);
        if (route != null) {
            path.append("&route=").append(segment(route));
        }
        if (afterSeq > 0) {
            path.append("&afterSeq=").append(afterSeq);
        }
        return send("GET", path.toString(), null);
    }

    /**
     * {@code GET /api/audit} with every filter of the admin API: entries of {@code route} (null: all)
     * with {@code time >= since} (null: any) and a seq above {@code afterSeq} (0: all), the newest
     * {@code limit}, oldest first.
     */
    public JsonNode audit(String route, java.time.Instant since, long afterSeq, int limit) {
        return audit(route, since, afterSeq, 0, limit);
    }

    /**
     * As {@link #audit(String, java.time.Instant, long, int)}, also bounded above: only entries with a
     * seq below {@code beforeSeq} (0: no bound), to page backwards through a long log.
     */
    public JsonNode audit(String route, java.time.Instant since, long afterSeq, long beforeSeq, int limit) {
        StringBuilder path = new StringBuilder("/api/audit?limit=").append(limit);
        if (beforeSeq > 0) {
            path.append("&beforeSeq=").append(beforeSeq);
        }
        if (route != null) {
            path.append("&route=").append(segment(route));
        }
        if (since != null) {
            path.append("&since=").append(since);
        }
        if (afterSeq > 0) {
            path.append("&afterSeq=").append(afterSeq);
        }
        return send("GET", path.toString(), null);
    }

    /**
     * {@code GET path}, or empty when the proxy has no such endpoint (404): for endpoints that
     * older proxies lack, such as {@code /api/backends}.
     */
    public java.util.Optional<JsonNode> getIfPresent(String path) {
        return java.util.Optional.ofNullable(send("GET", path, null, true));
    }

    /**
     * {@code POST /api/audit}: appends a tool's entry ({@code ramp-step}, …) for a route and returns
     * {@code {"entry":{...}}} with its seq.
     */
    public JsonNode appendAudit(String action, String route, String reason, JsonNode details) {
        ObjectNode body = JSON.createObjectNode().put("action", action).put("route", route);
        if (reason != null) {
            body.put("reason", reason);
        }
        if (details != null) {
            body.set("details", details);
        }
        return send("POST", "/api/audit", body);
    }

    /** Sends one request and returns the parsed JSON answer of a 2xx response. */
    public JsonNode send(String method, String path, JsonNode body) {
        return send(method, path, body, false);
    }

    private JsonNode send(String method, String path, JsonNode body, boolean absentOn404) {
        HttpResponse<String> response = exchange(method, path, body);
        String call = method + " " + path;
        JsonNode json = parse(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw CliException.failure("the admin API at " + settings.baseUri() + " answered " + call
                        + " with something other than JSON: is --admin (" + settings.adminSource()
                        + ") pointing at the proxy's admin port?");
            }
            return json;
        }
        if (status == 404 && absentOn404) {
            return null;
        }
        throw AdminErrors.of(status, json, call, settings);
    }

    /** {@code GET /metrics}: the proxy's Prometheus text (docs/proxy.md, Observe). */
    public String metrics() {
        HttpResponse<String> response = exchange("GET", "/metrics", null);
        if (response.statusCode() != 200) {
            throw AdminErrors.of(response.statusCode(), parse(response.body()), "GET /metrics", settings);
        }
        return response.body();
    }

    private HttpResponse<String> exchange(String method, String path, JsonNode body) {
        URI uri = URI.create(settings.baseUri() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Accept", "application/json");
        settings.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), UTF_8));
        }
        String call = method + " " + path;
        traceLine("> " + method + " " + uri + (settings.token().isPresent() ? " (token from " + settings.tokenSource() + ")" : ""));
        long started = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw CliException.failure("cannot reach the proxy admin API at " + settings.baseUri()
                    + " (no connection within " + seconds() + "): is `strangler proxy` running? set --admin or "
                    + AdminOptions.ADMIN_URL_ENV, e);
        } catch (HttpTimeoutException e) {
            throw CliException.failure("the proxy admin API at " + settings.baseUri() + " did not answer " + call
                    + " within " + seconds() + ": is the proxy overloaded? retry, or raise --timeout", e);
        } catch (IOException e) {
            throw CliException.failure("cannot reach the proxy admin API at " + settings.baseUri() + " ("
                    + transportReason(e) + "): is `strangler proxy` running? set --admin or "
                    + AdminOptions.ADMIN_URL_ENV, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the interrupt visible to whoever runs us
            throw CliException.failure("interrupted while waiting for " + call, e);
        }
        traceLine("< " + response.statusCode() + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
        return response;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isContainerNode() ? node : null;
        } catch (JsonProcessingException e) {
            return null; // not JSON: the caller reports "something other than JSON" with context
        }
    }

    private static String transportReason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        if (e instanceof ConnectException) {
            return e.getMessage() == null || e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused")
                    ? "connection refused" : oneLine(e.getMessage());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    }

    private String seconds() {
        long ms = settings.timeout().toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private void traceLine(String line) {
        if (trace != null) {
            trace.println(line);
            trace.flush();
        }
    }

    private static String segment(String id) {
        return URLEncoder.encode(id, UTF_8).replace("+", "%20");
    }

    static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }
}

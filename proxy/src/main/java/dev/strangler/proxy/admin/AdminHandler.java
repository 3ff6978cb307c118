package dev.strangler.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.AdminToken;
import dev.strangler.shadow.dashboard.Dashboard;
import dev.strangler.shadow.dashboard.HttpAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API (docs/admin-api.md). Reads are answered on the event loop; anything touching the disk
 * (mutations, audit log) runs on {@code worker}, a single thread, which also serialises changes.
 */
@ChannelHandler.Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final String ROUTES = "/api/routes";
    private static final String AUDIT = "/api/audit";
    /** Bound on a tool's {@code details} object: figures, not evidence. */
    static final int MAX_DETAILS_CHARS = 16 * 1024;

    private final RouteController routes;
    private final AdminAuth auth;
    private final Executor worker;
    private final Supplier<String> metrics;
    private final Supplier<String> readiness;
    private final ObjectMapper json;
    private final RouteJson routeJson;
    private final BackendAdmin backends;
    private static final String BACKENDS = "/api/backends";
    private final Dashboard dashboard;
    private final String noDashboard;
    private final Executor dashboardWorker;

    /**
     * @param metrics   Prometheus exposition text
     * @param readiness "ready", "starting" or "draining"
     */
    public AdminHandler(RouteController routes, List<AdminToken> tokens, Executor worker, Supplier<String> metrics,
                        Supplier<String> readiness, ObjectMapper json) {
        this(routes, tokens, worker, metrics, readiness, json, null, null,
                "no diff store configured (shadowStore.jdbcUrl)", worker);
    }

    /**
     * With {@code backends}, also serves {@code /api/backends} (endpoints, circuit, bulkhead, drain);
     * with the shadow dashboard, {@code /dashboard} and {@code /dashboard/api/*}, answered on
     * {@code dashboardWorker} (its queries are JDBC; never on the event loop, and never ahead of a
     * rollback on {@code worker}).
     *
     * @param backends    backend admin, or null
     * @param dashboard   the dashboard, or null
     * @param noDashboard why there is none (the 404 message)
     */
    public AdminHandler(RouteController routes, List<AdminToken> tokens, Executor worker, Supplier<String> metrics,
                        Supplier<String> readiness, ObjectMapper json, BackendAdmin backends, Dashboard dashboard,
                        String noDashboard, Executor dashboardWorker) {
        this.backends = backends;
        this.dashboard = dashboard;
        this.noDashboard = noDashboard;
        this.dashboardWorker = dashboardWorker;
        this.routes = routes;
        this.auth = new AdminAuth(tokens);
        this.worker = worker;
        this.metrics = metrics;
        this.readiness = readiness;
        this.json = json;
        this.routeJson = new RouteJson(json);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            send(ctx, false, error(new AdminException(400, "bad_request", "malformed HTTP request")));
            return;
        }
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        String path = qs.path();
        HttpMethod method = req.method();
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        try {
            if (path.equals("/dashboard") || path.startsWith("/dashboard/")) {
                dashboard(ctx, keepAlive, method, req.uri());
            } else if (method.equals(HttpMethod.GET)) {
                get(ctx, keepAlive, path, qs, authorization);
            } else if (method.equals(HttpMethod.PUT) && path.startsWith(ROUTES + "/") && path.endsWith("/weight")) {
                String id = path.substring(ROUTES.length() + 1, path.length() - "/weight".length());
                String actor = auth.operator(authorization);
                JsonNode body = body(req.content());
                onWorker(ctx, keepAlive, () -> weight(actor, id, body));
            } else if (backends != null && path.startsWith(BACKENDS + "/") && !method.equals(HttpMethod.GET)) {
                backendChange(ctx, keepAlive, method, path, authorization, req);
            } else if (method.equals(HttpMethod.POST) && path.equals(AUDIT)) {
                String actor = auth.operator(authorization);
                JsonNode body = body(req.content());
                onWorker(ctx, keepAlive, HttpResponseStatus.CREATED, () -> appendAudit(actor, body));
            } else if (method.equals(HttpMethod.POST) && path.equals("/api/rollback")) {
                String actor = auth.operator(authorization);
                JsonNode body = body(req.content());
                onWorker(ctx, keepAlive, () -> rollback(actor, body));
            } else {
                throw AdminException.notFound("no endpoint " + method + " " + path + " (see docs/admin-api.md)");
            }
        } catch (AdminException e) {
            send(ctx, keepAlive, error(e));
        }
    }

    private void get(ChannelHandlerContext ctx, boolean keepAlive, String path, QueryStringDecoder qs, String authorization) {
        if (path.equals("/healthz")) {
            send(ctx, keepAlive, json(HttpResponseStatus.OK, json.createObjectNode().put("status", "ok")));
        } else if (path.equals("/readyz")) {
            String state = readiness.get();
            ObjectNode n = json.createObjectNode().put("status", state);
            if (!state.equals("ready")) {
                n.put("detail", state.equals("draining") ? "shutting down: finishing in-flight requests" : "not started yet");
            }
            // Serving from a cached table is still ready (200): the proxy routes correctly, only
            // changes cannot be made. The load balancer must not take a whole fleet out for that.
            routes.controlPlane().ifPresent(cp -> {
                n.put("controlPlane", cp.state());
                if (!cp.detail().isEmpty()) {
                    n.put("controlPlaneDetail", cp.detail());
                }
            });
            send(ctx, keepAlive, json(state.equals("ready") ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, n));
        } else if (path.equals("/metrics")) {
            FullHttpResponse r = text(HttpResponseStatus.OK, metrics.get());
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            send(ctx, keepAlive, r);
        } else if (path.equals(ROUTES)) {
            send(ctx, keepAlive, json(HttpResponseStatus.OK, routeJson.table(routes.current())));
        } else if (path.startsWith(ROUTES + "/") && path.indexOf('/', ROUTES.length() + 1) < 0) {
            String id = path.substring(ROUTES.length() + 1);
            var table = routes.current();
            var route = table.route(id).orElseThrow(() -> AdminException.notFound("route '" + id
                    + "' not found (known: " + String.join(", ", table.ids()) + ")"));
            send(ctx, keepAlive, json(HttpResponseStatus.OK, routeJson.route(route, table.routeVersion(id))));
        } else if (backends != null && path.equals(BACKENDS)) {
            send(ctx, keepAlive, json(HttpResponseStatus.OK, backends.list()));
        } else if (path.equals(AUDIT)) {
            auth.anyToken(authorization);
            AuditQuery query = auditQuery(qs);
            onWorker(ctx, keepAlive, () -> {
                ObjectNode n = json.createObjectNode();
                var entries = n.putArray("entries");
                routes.audit().query(query).forEach(e -> entries.add(routes.audit().toJson(e)));
                return n;
            });
        } else {
            throw AdminException.notFound("no endpoint GET " + path + " (see docs/admin-api.md)");
        }
    }

    /** {@code PUT /api/backends/{name}/endpoints}, {@code POST /api/backends/{name}/drain|add|remove}. */
    private void backendChange(ChannelHandlerContext ctx, boolean keepAlive, HttpMethod method, String path,
                               String authorization, FullHttpRequest req) {
        String rest = path.substring(BACKENDS.length() + 1);
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String op = slash < 0 ? "" : rest.substring(slash + 1);
        boolean setEndpoints = method.equals(HttpMethod.PUT) && op.equals("endpoints");
        EndpointChange.Op one = !method.equals(HttpMethod.POST) ? null : switch (op) {
            case "drain" -> EndpointChange.Op.DRAIN;
            case "add" -> EndpointChange.Op.ADD;
            case "remove" -> EndpointChange.Op.REMOVE;
            default -> null;
        };
        if (!setEndpoints && one == null) {
            throw AdminException.notFound("no endpoint " + method + " " + path + " (expected: PUT …/endpoints, POST"
                    + " …/drain, …/add or …/remove; see docs/admin-api.md)");
        }
        String actor = auth.operator(authorization);
        JsonNode body = body(req.content());
        onWorker(ctx, keepAlive, () -> setEndpoints ? backends.setEndpoints(actor, name, body)
                : backends.change(actor, name, one, body));
    }

    private void dashboard(ChannelHandlerContext ctx, boolean keepAlive, HttpMethod method, String uri) {
        if (dashboard == null) {
            throw AdminException.notFound("dashboard unavailable: " + noDashboard);
        }
        if (!method.equals(HttpMethod.GET)) {
            throw new AdminException(405, "method_not_allowed", "the dashboard answers GET only");
        }
        try {
            dashboardWorker.execute(() -> {
                FullHttpResponse r;
                try {
                    HttpAnswer a = dashboard.answer("GET", uri);
                    if (a == null) {
                        r = error(AdminException.notFound("no dashboard page " + new QueryStringDecoder(uri).path()
                                + " (try /dashboard)"));
                    } else {
                        r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                                io.netty.buffer.Unpooled.wrappedBuffer(a.body()));
                        r.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType())
                                .setInt(HttpHeaderNames.CONTENT_LENGTH, a.body().length)
                                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                    }
                } catch (RuntimeException e) {
                    LOG.warn("dashboard request failed: {}", e.getClass().getName()); // message may quote stored data
                    r = error(new AdminException(500, "internal", "dashboard failed (" + e.getClass().getSimpleName() + ")"));
                }
                send(ctx, keepAlive, r);
            });
        } catch (RejectedExecutionException e) {
            throw new AdminException(503, "busy", "dashboard busy: too many requests waiting; retry shortly");
        }
    }

    private ObjectNode weight(String actor, String id, JsonNode body) {
        JsonNode w = body.get("weightBps");
        if (w == null || w.isNull()) {
            throw AdminException.badRequest("weightBps: missing (expected: an integer 0..10000)");
        }
        if (!w.isIntegralNumber() || !w.canConvertToInt()) {
            throw AdminException.badRequest("weightBps: " + w + " (expected: an integer 0..10000)");
        }
        RouteController.WeightChange c = routes.setWeight(actor, id, w.asInt(), text(body, "reason"),
                expectedVersion(body));
        ObjectNode n = json.createObjectNode();
        n.set("route", routeJson.route(c.route(), c.routeVersion()));
        n.put("previousWeightBps", c.previousWeightBps());
        n.put("version", c.version());
        return n;
    }

    private static Long expectedVersion(JsonNode body) {
        JsonNode v = body.get("expectedVersion");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
            throw AdminException.badRequest("expectedVersion: " + v
                    + " (expected: the route's version from GET /api/routes/ID, an integer >= 1)");
        }
        return v.asLong();
    }

    private ObjectNode appendAudit(String actor, JsonNode body) {
        JsonNode action = body.get("action");
        if (action != null && !action.isTextual()) {
            throw AdminException.badRequest("action: " + action + " (expected: a string such as \"ramp-step\")");
        }
        String route = text(body, "route");
        if (route.isEmpty()) {
            throw AdminException.badRequest("route: missing (expected: a route id, see GET /api/routes)");
        }
        JsonNode details = body.get("details");
        if (details != null && !details.isNull() && !details.isObject()) {
            throw AdminException.badRequest("details: " + details.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + " (expected: a JSON object)");
        }
        if (details != null && details.toString().length() > MAX_DETAILS_CHARS) {
            throw AdminException.badRequest("details: " + details.toString().length() + " chars (expected: at most "
                    + MAX_DETAILS_CHARS + "; keep figures, not bodies)");
        }
        AuditEntry e = routes.record(actor, action == null ? null : action.asText(), route, text(body, "reason"),
                details instanceof ObjectNode o ? o.deepCopy() : null);
        ObjectNode n = json.createObjectNode();
        n.set("entry", routes.audit().toJson(e));
        return n;
    }

    private ObjectNode rollback(String actor, JsonNode body) {
        String route = text(body, "route");
        boolean all = body.path("all").asBoolean(false);
        if (route.isEmpty() && !all) {
            throw AdminException.badRequest("body needs \"route\":\"ID\" or \"all\":true");
        }
        RouteController.RollbackResult r = routes.rollback(actor, all ? null : route, text(body, "reason"),
                body.path("force").asBoolean(false));
        ObjectNode n = json.createObjectNode();
        var list = n.putArray("rolledBack");
        r.rolledBack().forEach(rb -> list.addObject().put("id", rb.id()).put("previousWeightBps", rb.previousWeightBps()));
        n.put("closedWebSockets", r.closedWebSockets());
        n.put("version", r.version());
        return n;
    }

    private void onWorker(ChannelHandlerContext ctx, boolean keepAlive, Supplier<ObjectNode> work) {
        onWorker(ctx, keepAlive, HttpResponseStatus.OK, work);
    }

    private void onWorker(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                          Supplier<ObjectNode> work) {
        worker.execute(() -> {
            FullHttpResponse r;
            try {
                r = json(status, work.get());
            } catch (AdminException e) {
                r = error(e);
            } catch (RuntimeException e) {
                LOG.error("admin request failed", e);
                r = error(new AdminException(500, "internal", "internal error: " + e.getMessage()));
            }
            send(ctx, keepAlive, r);
        });
    }

    private JsonNode body(ByteBuf content) {
        if (!content.isReadable()) {
            return json.createObjectNode();
        }
        try {
            JsonNode n = json.readTree(content.toString(StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw AdminException.badRequest("request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw AdminException.badRequest("request body is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static String text(JsonNode body, String key) {
        JsonNode n = body.get(key);
        return n == null || n.isNull() ? "" : n.asText();
    }

    private static AuditQuery auditQuery(QueryStringDecoder qs) {
        String route = param(qs, "route");
        String since = param(qs, "since");
        Instant sinceTime = null;
        if (since != null) {
            try {
                sinceTime = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw AdminException.badRequest("since: " + since + " (expected: an ISO instant such as 2026-11-28T04:20:00Z)");
            }
        }
        long after = seqParam(qs, "afterSeq", 0);
        long before = seqParam(qs, "beforeSeq", 1);
        int n = AuditQuery.DEFAULT_LIMIT;
        String limit = param(qs, "limit");
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > AuditQuery.MAX_LIMIT) {
                throw AdminException.badRequest("limit: " + limit + " (expected: an integer 1.." + AuditQuery.MAX_LIMIT + ")");
            }
        }
        return new AuditQuery(route == null || route.isEmpty() ? null : route, sinceTime, after, before, n);
    }

    /** A seq bound from the query string: 0 when absent, otherwise an integer {@code >= min}. */
    private static long seqParam(QueryStringDecoder qs, String name, long min) {
        String text = param(qs, name);
        if (text == null) {
            return 0;
        }
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < min) {
            throw AdminException.badRequest(name + ": " + text + " (expected: an integer >= " + min + ")");
        }
        return v;
    }

    private static String param(QueryStringDecoder qs, String name) {
        List<String> v = qs.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private FullHttpResponse error(AdminException e) {
        ObjectNode n = json.createObjectNode().put("error", e.code()).put("message", e.getMessage());
        if (e instanceof VersionConflict c) {
            n.set("route", routeJson.route(c.current().route(c.routeId()).orElseThrow(),
                    c.current().routeVersion(c.routeId())));
        } else if (e instanceof EndpointConflict c && c.backend() != null) {
            n.set("backend", c.backend());
        }
        FullHttpResponse r = json(HttpResponseStatus.valueOf(e.status()), n);
        if (e.status() == 401) {
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"strangler-admin\"");
        }
        return r;
    }

    private FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        try {
            FullHttpResponse r = text(status, json.writeValueAsString(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            return r;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise admin response", e);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                io.netty.buffer.Unpooled.wrappedBuffer(bytes));
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse r) {
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection error: {}", cause.toString());
        ctx.close();
    }
}

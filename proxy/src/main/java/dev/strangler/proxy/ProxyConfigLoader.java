package dev.strangler.proxy;

import dev.strangler.proxy.YamlTree.ListNode;
import dev.strangler.proxy.YamlTree.MapNode;
import dev.strangler.proxy.YamlTree.Node;
import dev.strangler.proxy.guard.GuardConfig;
import dev.strangler.proxy.routing.PathRewrite;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import dev.strangler.proxy.routing.Sticky;
import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.shadow.ShadowRouteConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and validates the proxy's YAML config. Every problem is collected with its key path and
 * line, and all are reported together in one {@link ProxyConfigException}; a config is either fully
 * valid or not returned at all, so a bad file never half-starts a proxy.
 *
 * <p>String values may reference secrets: {@code ${env:NAME}}, {@code ${env:NAME:-fallback}},
 * {@code ${file:PATH}} (relative to the config file's folder, trailing whitespace stripped).
 */
public final class ProxyConfigLoader {

    private static final Set<String> TOP = Set.of("listen", "threads", "admin", "backends", "routes", "limits",
            "state", "shutdown", "shutdownGrace", "controlPlane", "shadowStore", "shadowHmacKey", "mirror", "metrics", "normalizers");
    private static final Set<String> LISTEN = Set.of("address", "reusePort");
    private static final Set<String> SHUTDOWN = Set.of("drainDelay", "grace");
    private static final Set<String> CONTROL_PLANE = Set.of("jdbcUrl", "connectTimeout", "reconnectMaxBackoff");
    private static final Set<String> METRICS = Set.of("statsd");
    private static final Set<String> STATSD = Set.of("enabled", "host", "port", "flavor", "prefix", "step");
    private static final Set<String> ADMIN = Set.of("listen", "tokens");
    private static final Set<String> TOKEN = Set.of("secret", "role");
    private static final Set<String> ROUTE = Set.of("id", "match", "legacy", "target", "weightBps", "sticky", "rewrite",
            "guard", "shadow");
    private static final Set<String> MATCH = Set.of("pathPrefix", "pathPattern", "methods", "headers");
    private static final Set<String> STICKY = Set.of("header", "cookie", "jwtClaim");
    private static final Set<String> REWRITE = Set.of("prefix", "replacement");
    private static final Set<String> LIMITS = Set.of("maxInitialLineBytes", "maxHeaderBytes", "maxBodyBytes",
            "headerTimeout", "idleTimeout", "backendConnectTimeout", "backendTimeout", "maxIdlePerBackend",
            "webSocketIdleTimeout");
    private static final Set<String> STATE = Set.of("dir", "stateFile", "auditLog");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ProxyConfigLoader() {
    }

    /** Loads {@code file}, resolving {@code ${env:..}} from the process environment. */
    public static ProxyConfig load(Path file) {
        return load(file, System::getenv);
    }

    /** Loads {@code file} with {@code env} as the environment (tests pass a map's {@code get}). */
    public static ProxyConfig load(Path file, Function<String, String> env) {
        String name = file.toString();
        Path base = file.toAbsolutePath().getParent();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, name, base, env);
        } catch (IOException e) {
            throw new ProxyConfigException(List.of(new ConfigError(name, 0, "",
                    "cannot read config file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")")));
        }
    }

    /** Parses YAML text; {@code name} labels errors, {@code baseDir} anchors relative paths. */
    public static ProxyConfig parse(Reader yaml, String name, Path baseDir, Function<String, String> env) {
        List<YamlTree.Problem> problems = new ArrayList<>();
        Node root = YamlTree.parse(yaml, problems);
        ConfigReader r = new ConfigReader(name, baseDir, env);
        for (YamlTree.Problem p : problems) {
            r.error(p.line(), p.path(), p.message());
        }
        ProxyConfig config = root == null ? null : read(r, root);
        if (!r.errors().isEmpty() || config == null) {
            List<ConfigError> errors = new ArrayList<>(r.errors());
            errors.sort(java.util.Comparator.comparingInt(ConfigError::line));
            throw new ProxyConfigException(errors);
        }
        return config;
    }

    private static ProxyConfig read(ConfigReader r, Node rootNode) {
        MapNode root = r.map(rootNode, "");
        if (root == null) {
            return null;
        }
        r.checkKeys(root, "", TOP);
        HostPort listen;
        boolean reusePort = false;
        MapNode listenMap = root.entries().get("listen") instanceof MapNode lm ? lm : null;
        if (listenMap != null) {
            r.checkKeys(listenMap, "listen", LISTEN);
            listen = hostPort(r, listenMap, "address", "listen", new HostPort("127.0.0.1", 8080));
            reusePort = ListenReader.reusePort(r, listenMap);
        } else {
            listen = hostPort(r, root, "listen", "", new HostPort("127.0.0.1", 8080));
        }
        Long threads = r.integer(root, "threads", "", ProxyConfig.defaultThreads(), 1, 256);
        AdminConfig admin = admin(r, r.map(root.entries().get("admin"), "admin"));
        Map<String, BackendConfig> backends = backends(r, root);
        Map<String, GuardConfig> guards = new LinkedHashMap<>();
        List<ShadowRouteConfig> shadows = new ArrayList<>();
        int[] firstShadowLine = {0};
        NormalizerRegistry normalizers = ShadowConfigReader.normalizers(r, root);
        List<Route> routes = routes(r, root, backends, guards, shadows, firstShadowLine, normalizers);
        MirrorConfig mirror = ShadowConfigReader.mirror(r, root, shadows, firstShadowLine[0], normalizers);
        LimitsConfig limits = limits(r, r.map(root.entries().get("limits"), "limits"));
        StateConfig state = state(r, r.map(root.entries().get("state"), "state"));
        ShutdownConfig shutdown = ShutdownReader.shutdown(r, root);
        ControlPlaneConfig controlPlane = controlPlane(r, r.map(root.entries().get("controlPlane"), "controlPlane"));
        MetricsConfig metrics = metrics(r, r.map(root.entries().get("metrics"), "metrics"));
        if (!r.errors().isEmpty()) {
            return null;
        }
        try {
            return new ProxyConfig(listen, threads.intValue(), admin, backends, routes, limits, state, shutdown,
                    reusePort, guards, controlPlane, mirror, metrics);
        } catch (IllegalArgumentException e) {
            r.error(0, "", e.getMessage());
            return null;
        }
    }

    private static HostPort hostPort(ConfigReader r, MapNode m, String key, String path, HostPort dflt) {
        String text = r.string(m, key, path, false);
        if (text == null) {
            return dflt;
        }
        try {
            return HostPort.parse(text.trim());
        } catch (IllegalArgumentException e) {
            r.error(r.line(m, key), ConfigReader.join(path, key), e.getMessage());
            return dflt;
        }
    }

    private static AdminConfig admin(ConfigReader r, MapNode m) {
        if (m == null) {
            return new AdminConfig(AdminConfig.DEFAULT_LISTEN, Map.of());
        }
        r.checkKeys(m, "admin", ADMIN);
        HostPort listen = hostPort(r, m, "listen", "admin", AdminConfig.DEFAULT_LISTEN);
        Map<String, AdminToken> tokens = new LinkedHashMap<>();
        MapNode t = r.map(m.entries().get("tokens"), "admin.tokens");
        if (t != null) {
            Set<String> secrets = new LinkedHashSet<>();
            for (Map.Entry<String, Node> e : t.entries().entrySet()) {
                String at = "admin.tokens." + e.getKey();
                AdminToken token = token(r, e.getKey(), e.getValue(), at);
                if (token != null && !secrets.add(token.secret())) {
                    r.error(e.getValue().line(), at, "same secret as another token (expected: one secret per name)");
                } else if (token != null) {
                    tokens.put(token.name(), token);
                }
            }
        }
        return new AdminConfig(listen, tokens);
    }

    private static AdminToken token(ConfigReader r, String name, Node node, String at) {
        String secret;
        AdminToken.Role role = AdminToken.Role.OPERATOR;
        if (node instanceof MapNode tm) {
            r.checkKeys(tm, at, TOKEN);
            secret = r.string(tm, "secret", at, true);
            String roleText = r.string(tm, "role", at, false);
            if (roleText != null) {
                try {
                    role = AdminToken.Role.valueOf(roleText.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    r.error(r.line(tm, "role"), at + ".role", "'" + roleText + "' (expected: viewer or operator)");
                    return null;
                }
            }
        } else {
            secret = r.string(node, at);
        }
        if (secret == null) {
            return null;
        }
        if (secret.length() < 8) {
            r.error(node.line(), at, "secret too short: " + secret.length() + " characters (expected: at least 8)");
            return null;
        }
        return new AdminToken(name, secret, role);
    }

    private static Map<String, BackendConfig> backends(ConfigReader r, MapNode root) {
        Map<String, BackendConfig> out = new LinkedHashMap<>();
        MapNode m = r.map(root.entries().get("backends"), "backends");
        if (m == null) {
            r.error(root.line(), "backends", "missing (required: at least one name: http://host:port)");
            return out;
        }
        for (Map.Entry<String, Node> e : m.entries().entrySet()) {
            BackendConfig b = BackendConfigReader.read(r, e.getKey(), e.getValue());
            if (b != null) {
                out.put(e.getKey(), b);
            }
        }
        return out;
    }

    private static List<Route> routes(ConfigReader r, MapNode root, Map<String, BackendConfig> backends,
                                      Map<String, GuardConfig> guards, List<ShadowRouteConfig> shadows,
                                      int[] firstShadowLine, NormalizerRegistry normalizers) {
        List<Route> out = new ArrayList<>();
        ListNode list = r.list(root.entries().get("routes"), "routes");
        if (list == null) {
            r.error(root.line(), "routes", "missing (required: at least one route)");
            return out;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < list.items().size(); i++) {
            Route route = RouteReader.route(r, list.items().get(i), "routes[" + i + "]", backends);
            if (route != null && !ids.add(route.id())) {
                r.error(list.items().get(i).line(), "routes[" + i + "].id", "'" + route.id() + "' is used by an earlier route (expected: unique ids)");
            } else if (route != null) {
                out.add(route);
                GuardConfig g = GuardReader.guard(r, (MapNode) list.items().get(i), "routes[" + i + "]", route);
                if (g != null) {
                    guards.put(route.id(), g);
                }
                ShadowRouteConfig shadow = ShadowConfigReader.route(r, list.items().get(i), "routes[" + i + "]", route,
                        normalizers);
                if (shadow != null) {
                    shadows.add(shadow);
                    if (firstShadowLine[0] == 0) {
                        firstShadowLine[0] = list.items().get(i).line();
                    }
                }
            }
        }
        return out;
    }

    private static LimitsConfig limits(ConfigReader r, MapNode m) {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        if (m == null) {
            return d;
        }
        r.checkKeys(m, "limits", LIMITS);
        Long idle = r.integer(m, "maxIdlePerBackend", "limits", d.maxIdlePerBackend(), 0, 10_000);
        return new LimitsConfig(
                (int) Math.min(Integer.MAX_VALUE, r.size(m, "maxInitialLineBytes", "limits", d.maxInitialLineBytes())),
                (int) Math.min(Integer.MAX_VALUE, r.size(m, "maxHeaderBytes", "limits", d.maxHeaderBytes())),
                r.size(m, "maxBodyBytes", "limits", d.maxBodyBytes()),
                r.duration(m, "headerTimeout", "limits", d.headerTimeout()),
                r.duration(m, "idleTimeout", "limits", d.idleTimeout()),
                r.duration(m, "backendConnectTimeout", "limits", d.backendConnectTimeout()),
                r.duration(m, "backendTimeout", "limits", d.backendTimeout()),
                idle == null ? d.maxIdlePerBackend() : idle.intValue(),
                r.duration(m, "webSocketIdleTimeout", "limits", d.webSocketIdleTimeout()));
    }

    private static MetricsConfig metrics(ConfigReader r, MapNode m) {
        if (m == null) {
            return MetricsConfig.DEFAULTS;
        }
        r.checkKeys(m, "metrics", METRICS);
        MapNode s = r.map(m.entries().get("statsd"), "metrics.statsd");
        if (s == null) {
            return MetricsConfig.DEFAULTS;
        }
        String at = "metrics.statsd";
        r.checkKeys(s, at, STATSD);
        MetricsConfig.Statsd d = MetricsConfig.Statsd.OFF;
        boolean enabled = d.enabled();
        String enabledText = r.string(s, "enabled", at, false);
        if (enabledText != null) {
            switch (enabledText.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> enabled = true;
                case "false" -> enabled = false;
                default -> r.error(r.line(s, "enabled"), at + ".enabled", "'" + enabledText + "' (expected: true or false)");
            }
        }
        String host = r.string(s, "host", at, false);
        Long port = r.integer(s, "port", at, d.port(), 1, 65_535);
        String flavor = r.string(s, "flavor", at, false);
        if (flavor != null && !MetricsConfig.Statsd.FLAVORS.contains(flavor.trim().toLowerCase(Locale.ROOT))) {
            r.error(r.line(s, "flavor"), at + ".flavor", "'" + flavor + "' (expected one of: "
                    + String.join(", ", MetricsConfig.Statsd.FLAVORS) + ")");
            flavor = null;
        }
        String prefix = r.string(s, "prefix", at, false);
        if (prefix != null && !prefix.trim().matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
            r.error(r.line(s, "prefix"), at + ".prefix", "'" + prefix + "' (expected: letters, digits, '_', '.', '-', e.g. strangler)");
            prefix = null;
        }
        Duration step = r.duration(s, "step", at, d.step());
        return new MetricsConfig(new MetricsConfig.Statsd(enabled, host == null ? d.host() : host.trim(),
                port == null ? d.port() : port.intValue(), flavor == null ? d.flavor() : flavor.trim(),
                prefix == null ? d.prefix() : prefix.trim(), step));
    }

    private static StateConfig state(ConfigReader r, MapNode m) {
        Path base = r.baseDir();
        if (m == null) {
            return StateConfig.in(base.resolve("strangler-state"));
        }
        r.checkKeys(m, "state", STATE);
        String dir = r.string(m, "dir", "state", false);
        StateConfig d = StateConfig.in(base.resolve(dir == null ? "strangler-state" : dir));
        String stateFile = r.string(m, "stateFile", "state", false);
        String audit = r.string(m, "auditLog", "state", false);
        return new StateConfig(stateFile == null ? d.stateFile() : base.resolve(stateFile),
                audit == null ? d.auditLog() : base.resolve(audit));
    }

    private static ControlPlaneConfig controlPlane(ConfigReader r, MapNode m) {
        ControlPlaneConfig d = ControlPlaneConfig.OFF;
        if (m == null) {
            return d;
        }
        r.checkKeys(m, "controlPlane", CONTROL_PLANE);
        String url = r.string(m, "jdbcUrl", "controlPlane", false);
        Duration connect = r.duration(m, "connectTimeout", "controlPlane", d.connectTimeout());
        Duration backoff = r.duration(m, "reconnectMaxBackoff", "controlPlane", d.reconnectMaxBackoff());
        try {
            return new ControlPlaneConfig(url == null || url.isBlank() ? null : url.trim(), connect, backoff);
        } catch (IllegalArgumentException e) {
            r.error(r.line(m, "jdbcUrl"), "", e.getMessage()); // the message names the key itself
            return d;
        }
    }

    /** Reads one route entry; separate class to keep each reader short. */
    static final class RouteReader {
        private RouteReader() {
        }

        static Route route(ConfigReader r, Node node, String at, Map<String, BackendConfig> backends) {
            MapNode m = r.map(node, at);
            if (m == null) {
                return null;
            }
            int errorsBefore = r.errors().size();
            r.checkKeys(m, at, ROUTE);
            String id = r.string(m, "id", at, true);
            if (id != null && !ID.matcher(id).matches()) {
                r.error(r.line(m, "id"), at + ".id", "'" + id + "' (expected: letters, digits, '.', '_', '-'; at most 64)");
            }
            RouteMatch match = match(r, r.map(m.entries().get("match"), at + ".match"), at + ".match", m);
            String legacy = backendRef(r, m, "legacy", at, backends, true);
            String target = backendRef(r, m, "target", at, backends, false);
            Long weight = r.integer(m, "weightBps", at, 0, 0, Route.MAX_WEIGHT_BPS);
            if (weight != null && weight > 0 && target == null && !m.entries().containsKey("target")) {
                r.error(r.line(m, "weightBps"), at + ".weightBps", weight + " needs a target backend (add target: NAME or set 0)");
            }
            Sticky sticky = sticky(r, r.map(m.entries().get("sticky"), at + ".sticky"), at + ".sticky");
            PathRewrite rewrite = rewrite(r, r.map(m.entries().get("rewrite"), at + ".rewrite"), at + ".rewrite");
            if (r.errors().size() > errorsBefore || match == null || weight == null) {
                return null;
            }
            return new Route(id, match, legacy, target, weight.intValue(), sticky, rewrite);
        }

        private static String backendRef(ConfigReader r, MapNode m, String key, String at,
                                         Map<String, BackendConfig> backends, boolean required) {
            String name = r.string(m, key, at, required);
            if (name != null && !backends.containsKey(name)) {
                r.error(r.line(m, key), at + "." + key, "'" + name + "' is not a declared backend (known: "
                        + String.join(", ", backends.keySet()) + ")");
                return null;
            }
            return name;
        }

        private static RouteMatch match(ConfigReader r, MapNode m, String at, MapNode route) {
            if (m == null) {
                r.error(route.line(), at, "missing (required: e.g. match: { pathPrefix: / })");
                return null;
            }
            r.checkKeys(m, at, MATCH);
            String prefix = r.string(m, "pathPrefix", at, false);
            String patternText = r.string(m, "pathPattern", at, false);
            if (prefix == null && patternText == null) {
                r.error(m.line(), at, "needs pathPrefix or pathPattern");
                return null;
            }
            if (prefix != null && !prefix.startsWith("/")) {
                r.error(r.line(m, "pathPrefix"), at + ".pathPrefix", "'" + prefix + "' (expected: starts with /)");
                return null;
            }
            Pattern pattern = null;
            if (patternText != null) {
                try {
                    pattern = Pattern.compile(patternText);
                } catch (PatternSyntaxException e) {
                    r.error(r.line(m, "pathPattern"), at + ".pathPattern", "'" + patternText
                            + "' is not a valid regular expression (" + e.getDescription() + ")");
                    return null;
                }
            }
            Set<String> methods = new LinkedHashSet<>();
            ListNode ml = r.list(m.entries().get("methods"), at + ".methods");
            if (ml != null) {
                for (int i = 0; i < ml.items().size(); i++) {
                    String meth = r.string(ml.items().get(i), at + ".methods[" + i + "]");
                    if (meth != null && !METHODS.contains(meth)) {
                        r.error(ml.items().get(i).line(), at + ".methods[" + i + "]", "'" + meth
                                + "' (expected one of: " + String.join(", ", METHODS.stream().sorted().toList()) + ")");
                    } else if (meth != null) {
                        methods.add(meth);
                    }
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            MapNode hm = r.map(m.entries().get("headers"), at + ".headers");
            if (hm != null) {
                for (Map.Entry<String, Node> e : hm.entries().entrySet()) {
                    String v = r.string(e.getValue(), at + ".headers." + e.getKey());
                    if (v != null) {
                        headers.put(e.getKey(), v);
                    }
                }
            }
            return new RouteMatch(prefix, pattern, methods, headers);
        }

        private static Sticky sticky(ConfigReader r, MapNode m, String at) {
            if (m == null) {
                return null;
            }
            r.checkKeys(m, at, STICKY);
            if (m.entries().size() != 1) {
                r.error(m.line(), at, "needs exactly one of header, cookie, jwtClaim (found " + m.entries().size() + ")");
                return null;
            }
            String key = m.entries().keySet().iterator().next();
            String name = r.string(m, key, at, true);
            if (name == null || !STICKY.contains(key)) {
                return null;
            }
            Sticky.Source source = switch (key) {
                case "header" -> Sticky.Source.HEADER;
                case "cookie" -> Sticky.Source.COOKIE;
                default -> Sticky.Source.JWT_CLAIM;
            };
            return new Sticky(source, name);
        }

        private static PathRewrite rewrite(ConfigReader r, MapNode m, String at) {
            if (m == null) {
                return null;
            }
            r.checkKeys(m, at, REWRITE);
            String prefix = r.string(m, "prefix", at, true);
            String replacement = r.string(m, "replacement", at, true);
            if (prefix != null && !prefix.startsWith("/")) {
                r.error(r.line(m, "prefix"), at + ".prefix", "'" + prefix + "' (expected: starts with /)");
                return null;
            }
            return prefix == null || replacement == null ? null : new PathRewrite(prefix, replacement);
        }
    }
}

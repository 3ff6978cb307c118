package dev.strangler.proxy;

import dev.strangler.proxy.YamlTree.ListNode;
import dev.strangler.proxy.YamlTree.MapNode;
import dev.strangler.proxy.YamlTree.Node;
import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.legacy.normalize.ResponseNormalizer;
import dev.strangler.legacy.normalize.ResponseNormalizers;
import dev.strangler.proxy.routing.Route;
import dev.strangler.shadow.Primary;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.diff.ArrayMode;
import dev.strangler.shadow.diff.ArrayRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the mirroring keys: route-level {@code shadow:}, top-level {@code shadowStore:},
 * {@code shadowHmacKey}, {@code mirror:} and {@code normalizers:} (legacy-adapter response
 * normalisers that a route's {@code shadow.legacyNormalizers} names). Same rules as the rest of the loader: every problem
 * is recorded with file, line and key path.
 */
final class ShadowConfigReader {

    static final Set<String> SHADOW = Set.of("sampleRate", "methods", "primary", "sideEffectFree", "noiseSampleRate",
            "ignore", "arrays", "numberTolerance", "headers", "legacyNormalizers");
    private static final Set<String> STORE = Set.of("jdbcUrl");
    private static final Set<String> MIRROR = Set.of("maxConcurrent", "queueCapacity", "timeout", "maxBodyBytes",
            "compareWorkers", "ioThreads");
    private static final Set<String> ARRAY = Set.of("path", "mode", "key");
    private static final Set<String> STEP = Set.of("rename", "mapValues", "remove");
    private static final Set<String> RENAME = Set.of("from", "to");
    private static final Set<String> MAP_VALUES = Set.of("pointer", "codes");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    private ShadowConfigReader() {
    }

    /**
     * Top-level {@code normalizers:}: name → list of steps, each one of {@code rename: {from, to}},
     * {@code mapValues: {pointer, codes: {OLD: NEW}}} or {@code remove: POINTER} (the built-ins of
     * {@link ResponseNormalizers}, applied in order). Empty when absent; invalid entries are left
     * out with an error.
     */
    static NormalizerRegistry normalizers(ConfigReader r, MapNode root) {
        MapNode m = r.map(root.entries().get("normalizers"), "normalizers");
        if (m == null) {
            return NormalizerRegistry.empty();
        }
        NormalizerRegistry.Builder b = NormalizerRegistry.builder();
        for (Map.Entry<String, Node> e : m.entries().entrySet()) {
            String nat = "normalizers." + e.getKey();
            ListNode steps = r.list(e.getValue(), nat);
            if (steps == null || steps.items().isEmpty()) {
                if (steps != null) {
                    r.error(steps.line(), nat, "no steps (expected: a list of rename, mapValues or remove)");
                }
                b.register(e.getKey(), ResponseNormalizer.identity()); // declared: routes naming it get no second error
                continue;
            }
            ResponseNormalizer chain = ResponseNormalizer.identity();
            boolean ok = true;
            for (int i = 0; i < steps.items().size(); i++) {
                ResponseNormalizer step = step(r, steps.items().get(i), nat + "[" + i + "]");
                if (step == null) {
                    ok = false;
                } else {
                    chain = chain.andThen(step);
                }
            }
            // With errors the whole config is refused; the name stays declared so routes naming it are not blamed.
            b.register(e.getKey(), ok ? chain : ResponseNormalizer.identity());
        }
        return b.build();
    }

    private static ResponseNormalizer step(ConfigReader r, Node node, String at) {
        MapNode m = r.map(node, at);
        if (m == null) {
            return null;
        }
        r.checkKeys(m, at, STEP);
        if (m.entries().size() != 1 || !STEP.containsAll(m.entries().keySet())) {
            if (m.entries().size() != 1) {
                r.error(m.line(), at, "one step per list item (expected exactly one of: mapValues, remove, rename)");
            }
            return null;
        }
        String kind = m.entries().keySet().iterator().next();
        String kat = at + "." + kind;
        try {
            switch (kind) {
                case "remove" -> {
                    String pointer = r.string(m, "remove", at, true);
                    return pointer == null ? null : ResponseNormalizers.remove(pointer.trim());
                }
                case "rename" -> {
                    MapNode rm = r.map(m.entries().get("rename"), kat);
                    if (rm == null) {
                        return null;
                    }
                    r.checkKeys(rm, kat, RENAME);
                    String from = r.string(rm, "from", kat, true);
                    String to = r.string(rm, "to", kat, true);
                    return from == null || to == null ? null : ResponseNormalizers.rename(from.trim(), to.trim());
                }
                default -> {
                    MapNode vm = r.map(m.entries().get("mapValues"), kat);
                    if (vm == null) {
                        return null;
                    }
                    r.checkKeys(vm, kat, MAP_VALUES);
                    String pointer = r.string(vm, "pointer", kat, true);
                    MapNode codes = r.map(vm.entries().get("codes"), kat + ".codes");
                    if (codes == null) {
                        if (!vm.entries().containsKey("codes")) {
                            r.error(vm.line(), kat + ".codes", "missing (required: a mapping of legacy value: new value)");
                        }
                        return null;
                    }
                    Map<String, String> table = new LinkedHashMap<>();
                    for (String code : codes.entries().keySet()) {
                        String to = r.string(codes, code, kat + ".codes", true);
                        if (to != null) {
                            table.put(code, to);
                        }
                    }
                    return pointer == null ? null : ResponseNormalizers.mapValues(pointer.trim(), table);
                }
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            r.error(r.line(m, kind), kat, String.valueOf(e.getMessage()));
            return null;
        }
    }

    /** The {@code shadow:} of one route entry, or null when absent or invalid. */
    static ShadowRouteConfig route(ConfigReader r, Node routeNode, String at, Route route) {
        return route(r, routeNode, at, route, NormalizerRegistry.empty());
    }

    /** The {@code shadow:} of one route entry, or null; {@code legacyNormalizers} must name entries of {@code normalizers}. */
    static ShadowRouteConfig route(ConfigReader r, Node routeNode, String at, Route route, NormalizerRegistry normalizers) {
        if (!(routeNode instanceof MapNode rm) || !rm.entries().containsKey("shadow") || route == null) {
            return null;
        }
        String sat = at + ".shadow";
        MapNode m = r.map(rm.entries().get("shadow"), sat);
        if (m == null) {
            return null;
        }
        int before = r.errors().size();
        r.checkKeys(m, sat, SHADOW);
        if (route.target() == null) {
            r.error(m.line(), sat, "needs a target backend on the route (the side compared with the monolith)");
            return null;
        }
        ShadowRouteConfig.Builder b = ShadowRouteConfig.builder(route.id());
        Double rate = number(r, m, "sampleRate", sat, 0, 1);
        if (rate != null) {
            b.sampleRate(rate);
        }
        Double noise = number(r, m, "noiseSampleRate", sat, 0, 1);
        if (noise != null) {
            b.noiseSampleRate(noise);
        }
        Double tolerance = number(r, m, "numberTolerance", sat, 0, Double.MAX_VALUE);
        if (tolerance != null) {
            b.numberTolerance(tolerance);
        }
        Boolean sideEffectFree = bool(r, m, "sideEffectFree", sat);
        if (sideEffectFree != null) {
            b.sideEffectFree(sideEffectFree);
        }
        Primary primary = Primary.EITHER;
        String primaryText = r.string(m, "primary", sat, false);
        if (primaryText != null) {
            try {
                primary = Primary.valueOf(primaryText.trim().toUpperCase(Locale.ROOT));
                b.primary(primary);
            } catch (IllegalArgumentException e) {
                r.error(r.line(m, "primary"), sat + ".primary", "'" + primaryText + "' (expected: legacy, target or either)");
            }
        }
        List<String> methods = strings(r, m, "methods", sat);
        if (methods != null) {
            Set<String> upper = new LinkedHashSet<>();
            for (String meth : methods) {
                String u = meth.toUpperCase(Locale.ROOT);
                if (!METHODS.contains(u)) {
                    r.error(r.line(m, "methods"), sat + ".methods", "'" + meth + "' (expected one of: "
                            + String.join(", ", METHODS.stream().sorted().toList()) + ")");
                } else if (!SAFE.contains(u) && !Boolean.TRUE.equals(sideEffectFree)) {
                    r.error(r.line(m, "methods"), sat + ".methods", u + " is a write (expected: only GET, HEAD, OPTIONS"
                            + " unless sideEffectFree: true declares the target side-effect free)");
                } else if (!SAFE.contains(u) && primary == Primary.TARGET) {
                    // (with primary: either, writes the service answered are simply not copied)
                    r.error(r.line(m, "methods"), sat + ".methods", u + " with primary: target would send writes to the"
                            + " monolith (expected: writes mirrored only to a side-effect-free target, primary: legacy or either)");
                } else {
                    upper.add(u);
                }
            }
            b.methods(upper);
        }
        List<String> ignore = strings(r, m, "ignore", sat);
        if (ignore != null) {
            b.ignore(ignore);
        }
        List<String> headers = strings(r, m, "headers", sat);
        if (headers != null) {
            b.headers(headers);
        }
        ListNode list = r.list(m.entries().get("legacyNormalizers"), sat + ".legacyNormalizers");
        if (list != null) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                String name = r.string(list.items().get(i), sat + ".legacyNormalizers[" + i + "]");
                if (name == null) {
                    continue;
                }
                names.add(name.trim());
                if (!normalizers.names().contains(name.trim())) {
                    r.error(list.items().get(i).line(), sat + ".legacyNormalizers[" + i + "]", "'" + name.trim() + "' is not declared"
                            + " (expected one of: " + (normalizers.names().isEmpty() ? "none declared"
                            : String.join(", ", normalizers.names().stream().sorted().toList()))
                            + "; declare it under the top-level normalizers: key)");
                }
            }
            b.legacyNormalizers(names);
        }
        List<ArrayRule> arrays = arrays(r, m, sat);
        if (arrays != null) {
            b.arrays(arrays);
        }
        if (r.errors().size() > before) {
            return null;
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            r.error(m.line(), sat, e.getMessage());
            return null;
        }
    }

    /** Top-level keys: the diff store, the HMAC key and the mirror limits. */
    static MirrorConfig mirror(ConfigReader r, MapNode root, List<ShadowRouteConfig> routes, int firstShadowLine,
                               NormalizerRegistry normalizers) {
        String url = null;
        MapNode store = r.map(root.entries().get("shadowStore"), "shadowStore");
        if (store != null) {
            r.checkKeys(store, "shadowStore", STORE);
            url = r.string(store, "jdbcUrl", "shadowStore", true);
            if (url != null && !url.startsWith("jdbc:postgresql:")) {
                r.error(r.line(store, "jdbcUrl"), "shadowStore.jdbcUrl", "'" + MirrorConfig.maskUrl(url)
                        + "' (expected: a PostgreSQL JDBC URL, jdbc:postgresql://host:5432/db?user=...)");
                url = null;
            }
        }
        String key = r.string(root, "shadowHmacKey", "", false);
        if (key != null && key.getBytes(StandardCharsets.UTF_8).length < 16) {
            r.error(r.line(root, "shadowHmacKey"), "shadowHmacKey", "too short: " + key.getBytes(StandardCharsets.UTF_8).length
                    + " bytes (expected: at least 16; e.g. ${env:STRANGLER_SHADOW_HMAC_KEY} or ${file:shadow-hmac.key})");
            key = null;
        }
        if (!routes.isEmpty() && store == null) {
            r.error(firstShadowLine, "shadowStore", "missing: routes with shadow need shadowStore: {jdbcUrl: jdbc:postgresql://...}"
                    + " where comparisons are stored");
        }
        if (!routes.isEmpty() && key == null && !root.entries().containsKey("shadowHmacKey")) {
            r.error(firstShadowLine, "shadowHmacKey", "missing: routes with shadow need a key (16+ bytes) for the keyed"
                    + " hashes that replace patient data, e.g. shadowHmacKey: ${env:STRANGLER_SHADOW_HMAC_KEY}");
        }
        MapNode m = r.map(root.entries().get("mirror"), "mirror");
        MirrorConfig d = MirrorConfig.NONE;
        int maxConcurrent = d.maxConcurrent();
        int queue = d.queueCapacity();
        int workers = d.compareWorkers();
        int ioThreads = d.ioThreads();
        Duration timeout = d.timeout();
        long maxBody = d.maxBodyBytes();
        if (m != null) {
            r.checkKeys(m, "mirror", MIRROR);
            Long v = r.integer(m, "maxConcurrent", "mirror", maxConcurrent, 1, 100_000);
            maxConcurrent = v == null ? maxConcurrent : v.intValue();
            v = r.integer(m, "queueCapacity", "mirror", queue, 0, 1_000_000);
            queue = v == null ? queue : v.intValue();
            v = r.integer(m, "compareWorkers", "mirror", workers, 1, 256);
            workers = v == null ? workers : v.intValue();
            v = r.integer(m, "ioThreads", "mirror", ioThreads, 0, 64);
            ioThreads = v == null ? ioThreads : v.intValue();
            timeout = r.duration(m, "timeout", "mirror", timeout);
            maxBody = r.size(m, "maxBodyBytes", "mirror", maxBody);
            if (maxBody > 64L << 20) {
                r.error(r.line(m, "maxBodyBytes"), "mirror.maxBodyBytes", maxBody + " (expected: at most 64MiB; bodies are held in memory)");
            }
        }
        if (!r.errors().isEmpty()) {
            return MirrorConfig.NONE;
        }
        return new MirrorConfig(url, key, maxConcurrent, queue, timeout, maxBody, workers, ioThreads, routes, normalizers);
    }

    private static Double number(ConfigReader r, MapNode m, String key, String at, double min, double max) {
        String text = r.string(m, key, at, false);
        if (text == null) {
            return null;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (!(v >= min && v <= max)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            r.error(r.line(m, key), at + "." + key, "'" + text + "' (expected: a number " + (max == Double.MAX_VALUE
                    ? ">= " + (long) min : (long) min + ".." + (long) max) + ")");
            return null;
        }
    }

    private static Boolean bool(ConfigReader r, MapNode m, String key, String at) {
        String text = r.string(m, key, at, false);
        if (text == null) {
            return null;
        }
        return switch (text.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                r.error(r.line(m, key), at + "." + key, "'" + text + "' (expected: true or false)");
                yield null;
            }
        };
    }

    private static List<String> strings(ConfigReader r, MapNode m, String key, String at) {
        ListNode list = r.list(m.entries().get(key), at + "." + key);
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            String s = r.string(list.items().get(i), at + "." + key + "[" + i + "]");
            if (s != null) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static List<ArrayRule> arrays(ConfigReader r, MapNode m, String at) {
        ListNode list = r.list(m.entries().get("arrays"), at + ".arrays");
        if (list == null) {
            return null;
        }
        List<ArrayRule> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            String aat = at + ".arrays[" + i + "]";
            MapNode a = r.map(list.items().get(i), aat);
            if (a == null) {
                continue;
            }
            r.checkKeys(a, aat, ARRAY);
            String path = r.string(a, "path", aat, true);
            String modeText = r.string(a, "mode", aat, false);
            String key = r.string(a, "key", aat, false);
            ArrayMode mode = ArrayMode.INDEX;
            if (modeText != null) {
                try {
                    mode = ArrayMode.valueOf(modeText.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    r.error(r.line(a, "mode"), aat + ".mode", "'" + modeText + "' (expected: index, keyed or unordered)");
                    continue;
                }
            }
            if (path == null) {
                continue;
            }
            try {
                out.add(new ArrayRule(path, mode, key));
            } catch (IllegalArgumentException | NullPointerException e) {
                r.error(a.line(), aat, e.getMessage());
            }
        }
        return out;
    }
}

package dev.strangler.shadow;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import dev.strangler.shadow.diff.ArrayRule;
import dev.strangler.shadow.diff.PointerPattern;

import static java.util.Objects.requireNonNull;

/**
 * Shadow settings of one route. Binds from JSON/YAML with Jackson (unknown keys fail):
 *
 * <pre>{@code
 * route: appointments
 * sampleRate: 0.5            # share of matching requests mirrored, 0..1 (default 1.0)
 * methods: [GET, HEAD]       # methods mirrored (default GET, HEAD)
 * sideEffectFree: false      # true allows POST/PUT/PATCH/DELETE in methods
 * primary: EITHER            # requests copied, by the side that answered the client: LEGACY, TARGET
 *                            # or EITHER (default: every request, to the side the client did not get)
 * noiseSampleRate: 0.1       # share of mirrored requests where the primary is asked twice
 * ignore: [/meta/requestId, /items/*&#47;etag]
 * arrays: [{path: /appointments, mode: KEYED, key: id}, {path: /tags, mode: UNORDERED}]
 * numberTolerance: 0.001     # absolute; 0 = exact
 * headers: [content-type, date]  # headers compared (default content-type)
 * legacyNormalizers: [appointments-v1]  # names from the NormalizerRegistry
 * }</pre>
 */
@JsonDeserialize(builder = ShadowRouteConfig.Builder.class)
public record ShadowRouteConfig(String route, double sampleRate, Set<String> methods, boolean sideEffectFree,
                                Primary primary, double noiseSampleRate, List<String> ignore, List<ArrayRule> arrays,
                                double numberTolerance, List<String> headers, List<String> legacyNormalizers) {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    public ShadowRouteConfig {
        requireNonNull(route, "route");
        if (route.isBlank()) {
            throw new IllegalArgumentException("route: blank (expected: the id of a proxy route)");
        }
        checkRate(route, "sampleRate", sampleRate);
        checkRate(route, "noiseSampleRate", noiseSampleRate);
        Set<String> upper = new LinkedHashSet<>();
        for (String m : requireNonNull(methods, "methods")) {
            String method = m.toUpperCase(Locale.ROOT);
            if (!SAFE_METHODS.contains(method) && !sideEffectFree) {
                throw new IllegalArgumentException("route " + route + ": methods contains " + method
                        + " (expected: only GET, HEAD, OPTIONS unless sideEffectFree: true — writes reach the shadow)");
            }
            upper.add(method);
        }
        methods = Set.copyOf(upper);
        requireNonNull(primary, "route " + route + ": primary (expected: LEGACY, TARGET or EITHER)");
        ignore = List.copyOf(requireNonNull(ignore, "ignore"));
        for (String pattern : ignore) {
            try {
                PointerPattern.parse(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("route " + route + ": ignore: " + e.getMessage(), e);
            }
        }
        arrays = List.copyOf(requireNonNull(arrays, "arrays"));
        if (!(numberTolerance >= 0) || Double.isInfinite(numberTolerance)) {
            throw new IllegalArgumentException("route " + route + ": numberTolerance: " + numberTolerance
                    + " (expected: a finite number >= 0)");
        }
        headers = requireNonNull(headers, "headers").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        legacyNormalizers = List.copyOf(requireNonNull(legacyNormalizers, "legacyNormalizers"));
    }

    private static void checkRate(String route, String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("route " + route + ": " + name + ": " + rate + " (expected: 0..1)");
        }
    }

    /** Defaults for {@code route}: mirror every GET/HEAD, to the side the client did not get. */
    public static ShadowRouteConfig defaults(String route) {
        return builder(route).build();
    }

    public static Builder builder(String route) {
        return new Builder().route(route);
    }

    /**
     * For the proxy: is a request the client got from {@code client} copied? Writes only when the
     * monolith answered: a copy of a write goes only to a side-effect-free target.
     */
    public boolean copies(Side client, String method) {
        return primary.copies(client) && (client == Side.LEGACY || SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT)));
    }

    /**
     * For the proxy: should this request be mirrored? {@code random01} is a uniform random
     * number in [0, 1) drawn by the caller (so tests can fix it).
     */
    public boolean shouldMirror(String method, double random01) {
        return random01 < sampleRate && methods.contains(method.toUpperCase(Locale.ROOT));
    }

    /** For the proxy: should it ask the primary a second time for noise learning? */
    public boolean shouldAskPrimaryTwice(double random01) {
        return random01 < noiseSampleRate;
    }

    /** Builder with defaults; also Jackson's way in (each setter is a config key). */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private String route;
        private double sampleRate = 1.0;
        private Set<String> methods = Set.of("GET", "HEAD");
        private boolean sideEffectFree;
        private Primary primary = Primary.EITHER;
        private double noiseSampleRate = 0.1;
        private List<String> ignore = List.of();
        private List<ArrayRule> arrays = List.of();
        private double numberTolerance;
        private List<String> headers = List.of("content-type");
        private List<String> legacyNormalizers = List.of();

        public Builder route(String route) {
            this.route = route;
            return this;
        }

        public Builder sampleRate(double sampleRate) {
            this.sampleRate = sampleRate;
            return this;
        }

        public Builder methods(Set<String> methods) {
            this.methods = methods;
            return this;
        }

        public Builder sideEffectFree(boolean sideEffectFree) {
            this.sideEffectFree = sideEffectFree;
            return this;
        }

        public Builder primary(Primary primary) {
            this.primary = primary;
            return this;
        }

        public Builder noiseSampleRate(double noiseSampleRate) {
            this.noiseSampleRate = noiseSampleRate;
            return this;
        }

        public Builder ignore(List<String> ignore) {
            this.ignore = ignore;
            return this;
        }

        public Builder arrays(List<ArrayRule> arrays) {
            this.arrays = arrays;
            return this;
        }

        public Builder numberTolerance(double numberTolerance) {
            this.numberTolerance = numberTolerance;
            return this;
        }

        public Builder headers(List<String> headers) {
            this.headers = headers;
            return this;
        }

        public Builder legacyNormalizers(List<String> legacyNormalizers) {
            this.legacyNormalizers = legacyNormalizers;
            return this;
        }

        public ShadowRouteConfig build() {
            return new ShadowRouteConfig(route, sampleRate, methods, sideEffectFree, primary, noiseSampleRate,
                    ignore, arrays, numberTolerance, headers, legacyNormalizers);
        }
    }
}

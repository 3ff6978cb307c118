package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.shadow.ShadowRouteConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shadow mirroring: which routes are mirrored (route-level {@code shadow:}), where comparisons go
 * (top-level {@code shadowStore.jdbcUrl}, {@code shadowHmacKey}) and the limits that keep the copy
 * cheap (top-level {@code mirror:}). {@link #toString()} masks the key and any password in the URL.
 *
 * @param storeJdbcUrl   PostgreSQL JDBC URL of the diff store, or null (no mirroring, no dashboard)
 * @param hmacKey        key of the keyed hashes that replace patient data in stored evidence
 * @param maxConcurrent  mirrored exchanges in flight at once (split evenly across I/O threads)
 * @param queueCapacity  mirrors waiting for a free slot (split evenly); beyond it they are dropped and counted
 * @param timeout        a shadow (or second primary) silent this long counts as a timeout
 * @param maxBodyBytes   bodies (request or response) larger than this are not mirrored (counted)
 * @param compareWorkers comparison threads (off the event loops)
 * @param ioThreads      dedicated event-loop threads sending the copies; 0 = the client's own I/O thread
 * @param routes         per-route shadow settings
 * @param normalizers    legacy-adapter response normalisers (top-level {@code normalizers:}) that routes'
 *                       {@code legacyNormalizers} name
 */
public record MirrorConfig(String storeJdbcUrl, String hmacKey, int maxConcurrent, int queueCapacity, Duration timeout,
                           long maxBodyBytes, int compareWorkers, int ioThreads, List<ShadowRouteConfig> routes,
                           NormalizerRegistry normalizers) {

    /** Default limits. */
    public static final int DEFAULT_MAX_CONCURRENT = 256;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final long DEFAULT_MAX_BODY_BYTES = 256 * 1024;

    /** No diff store, nothing mirrored. */
    public static final MirrorConfig NONE = new MirrorConfig(null, null, DEFAULT_MAX_CONCURRENT, DEFAULT_QUEUE_CAPACITY,
            DEFAULT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, defaultCompareWorkers(), 0, List.of(), NormalizerRegistry.empty());

    public MirrorConfig {
        requireNonNull(timeout, "timeout");
        requireNonNull(normalizers, "normalizers");
        routes = List.copyOf(routes);
        if (maxConcurrent < 1 || queueCapacity < 0 || compareWorkers < 1 || maxBodyBytes < 1 || timeout.isNegative()
                || timeout.isZero() || ioThreads < 0) {
            throw new IllegalArgumentException("mirror: maxConcurrent " + maxConcurrent + ", queueCapacity " + queueCapacity
                    + ", compareWorkers " + compareWorkers + ", maxBodyBytes " + maxBodyBytes + ", timeout " + timeout
                    + ", ioThreads " + ioThreads
                    + " (expected: maxConcurrent, compareWorkers, maxBodyBytes >= 1, queueCapacity, ioThreads >= 0, timeout > 0)");
        }
        Set<String> ids = new HashSet<>();
        for (ShadowRouteConfig r : routes) {
            if (!ids.add(r.route())) {
                throw new IllegalArgumentException("route " + r.route() + ": shadow configured twice");
            }
        }
        if (!routes.isEmpty() && (storeJdbcUrl == null || hmacKey == null)) {
            throw new IllegalArgumentException("route " + routes.get(0).route()
                    + ": shadow needs shadowStore.jdbcUrl and shadowHmacKey (where comparisons are stored, and the redaction key)");
        }
    }

    /** Without normalisers. */
    public MirrorConfig(String storeJdbcUrl, String hmacKey, int maxConcurrent, int queueCapacity, Duration timeout,
                        long maxBodyBytes, int compareWorkers, int ioThreads, List<ShadowRouteConfig> routes) {
        this(storeJdbcUrl, hmacKey, maxConcurrent, queueCapacity, timeout, maxBodyBytes, compareWorkers, ioThreads, routes,
                NormalizerRegistry.empty());
    }

    /** Comparison threads by default: half the cores, at least one. */
    public static int defaultCompareWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** The same limits and store with other route settings. */
    public MirrorConfig withRoutes(List<ShadowRouteConfig> newRoutes) {
        return new MirrorConfig(storeJdbcUrl, hmacKey, maxConcurrent, queueCapacity, timeout, maxBodyBytes,
                compareWorkers, ioThreads, newRoutes, normalizers);
    }

    /** A config with a diff store and default limits (tests, the demo). */
    public static MirrorConfig of(String storeJdbcUrl, String hmacKey, List<ShadowRouteConfig> routes) {
        return new MirrorConfig(storeJdbcUrl, hmacKey, DEFAULT_MAX_CONCURRENT, DEFAULT_QUEUE_CAPACITY, DEFAULT_TIMEOUT,
                DEFAULT_MAX_BODY_BYTES, defaultCompareWorkers(), 0, routes, NormalizerRegistry.empty());
    }

    /** The JDBC URL with any password masked, for logs. */
    public static String maskUrl(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    @Override
    public String toString() {
        return "MirrorConfig{store=" + maskUrl(storeJdbcUrl) + ", hmacKey=" + (hmacKey == null ? "none" : "****")
                + ", maxConcurrent=" + maxConcurrent + ", queueCapacity=" + queueCapacity + ", timeout=" + timeout
                + ", maxBodyBytes=" + maxBodyBytes + ", compareWorkers=" + compareWorkers + ", ioThreads=" + ioThreads
                + ", routes=" + routes.stream().map(ShadowRouteConfig::route).toList()
                + ", normalizers=" + normalizers.names().stream().sorted().toList() + "}";
    }
}

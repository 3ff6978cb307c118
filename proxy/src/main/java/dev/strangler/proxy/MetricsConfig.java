package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * Where the proxy's meters go besides {@code /metrics} (Prometheus, always on).
 *
 * @param statsd StatsD/DogStatsD export ({@link Statsd#OFF}: none)
 */
public record MetricsConfig(Statsd statsd) {

    /** Prometheus only. */
    public static final MetricsConfig DEFAULTS = new MetricsConfig(Statsd.OFF);

    public MetricsConfig {
        requireNonNull(statsd, "statsd");
    }

    /**
     * StatsD export over UDP, e.g. to a Datadog agent (config {@code metrics.statsd}).
     *
     * @param enabled whether meters are sent at all
     * @param host    agent host
     * @param port    agent UDP port
     * @param flavor  {@code datadog} (DogStatsD tags), {@code etsy} or {@code telegraf}
     * @param prefix  prepended (with a dot) to meter names that do not already start with it
     * @param step    how often gauges and histograms are polled and sent
     */
    public record Statsd(boolean enabled, String host, int port, String flavor, String prefix, Duration step) {

        /** The flavors micrometer's StatsD registry speaks that we accept. */
        public static final java.util.List<String> FLAVORS = java.util.List.of("datadog", "etsy", "telegraf");
        /** Not sending. */
        public static final Statsd OFF = new Statsd(false, "127.0.0.1", 8125, "datadog", "strangler", Duration.ofSeconds(10));

        public Statsd {
            requireNonNull(host, "host");
            requireNonNull(prefix, "prefix");
            requireNonNull(step, "step");
            flavor = requireNonNull(flavor, "flavor").toLowerCase(Locale.ROOT);
            if (!FLAVORS.contains(flavor)) {
                throw new IllegalArgumentException("metrics.statsd.flavor: " + flavor + " (expected one of " + FLAVORS + ")");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("metrics.statsd.port: " + port + " (expected: 1..65535)");
            }
            if (step.isNegative() || step.isZero()) {
                throw new IllegalArgumentException("metrics.statsd.step: " + step + " (expected: > 0)");
            }
        }
    }
}
